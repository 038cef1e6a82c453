import { DESCEND, boundedCopy } from './bounded-copy';

const MASK = '[REDACTED]';

// LWA access/refresh tokens and RDTs ("Atza|…", "Atzr|…", "Atz.sprdt|…") and LWA client secrets.
const TOKEN_PATTERNS: RegExp[] = [
  /Atz[a-z]?(?:\.[a-z]+)?\|[^\s"'&,;<>]+/g,
  /amzn1\.oa2-cs\.v1\.[0-9A-Za-z]+/g,
];
const FORM_FIELDS = /((?:client_secret|refresh_token|access_token)=)[^&\s"]+/g;
const MAX_KNOWN = 5_000;

/**
 * Last line of defence: every string that leaves the library (log context, outcome texts, error messages)
 * passes through here, and every secret the library has seen is masked even if it matches no pattern.
 */
export class SecretRedactor {
  private readonly known = new Set<string>();

  /** Remembers secrets so that they are masked wherever they appear later. */
  register(...secrets: Array<string | undefined>): void {
    // Also the URL-encoded form, as it appears in form bodies and query strings.
    const variants = secrets.flatMap((s) => (s === undefined ? [] : [s, encodeURIComponent(s)]));
    for (const secret of variants) {
      // Very short values would mask ordinary words; real secrets are long.
      if (!secret || secret.length < 6 || this.known.has(secret)) continue;
      if (this.known.size >= MAX_KNOWN) {
        const oldest = this.known.values().next().value;
        if (oldest !== undefined) this.known.delete(oldest);
      }
      this.known.add(secret);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.known) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, MASK);
    return out.replace(FORM_FIELDS, `$1${MASK}`);
  }

  redactOptional(text: string | undefined): string | undefined {
    return text === undefined ? undefined : this.redact(text);
  }

  /** Deep copy with every string redacted, at any depth and without recursion (see boundedCopy). */
  redactValue(value: unknown): unknown {
    return boundedCopy(value, (item) => {
      if (typeof item === 'string') return this.redact(item);
      if (item === null || typeof item !== 'object') return item;
      if (item instanceof Error) return this.redact(item.message);
      return DESCEND;
    });
  }
}
