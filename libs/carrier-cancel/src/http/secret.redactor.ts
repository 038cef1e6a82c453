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

  /**
   * Deep copy with every string redacted, at any depth and without recursion. A cycle becomes '[circular]';
   * what lies deeper than MAX_DEPTH becomes '[deep]' (never passed through), as does anything past MAX_NODES.
   */
  redactValue(value: unknown): unknown {
    const result: { value?: unknown } = {};
    const stack: Frame[] = [{ value, depth: 0, put: (v) => (result.value = v) }];
    // Only the objects on the path from the root: a value shared by two branches is copied twice, not lost.
    const ancestors = new WeakSet<object>();
    let nodes = 0;
    for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
      if ('leave' in frame) {
        ancestors.delete(frame.leave);
        continue;
      }
      const { value: item, depth, put } = frame;
      if (typeof item === 'string') put(this.redact(item));
      else if (item === null || typeof item !== 'object') put(item);
      else if (item instanceof Error) put(this.redact(item.message));
      else if (ancestors.has(item)) put('[circular]');
      else if (depth >= MAX_DEPTH || ++nodes > MAX_NODES) put('[deep]');
      else {
        ancestors.add(item);
        stack.push({ leave: item });
        const out: unknown[] | Record<string, unknown> = Array.isArray(item) ? [] : {};
        put(out);
        const entries = Object.entries(item);
        // Pushed last to first so that they are copied, and keys inserted, in their order.
        for (let i = entries.length - 1; i >= 0; i--) {
          const [key, child] = entries[i] as [string, unknown];
          stack.push({ value: child, depth: depth + 1, put: (v) => setOwn(out, key, v) });
        }
      }
    }
    return result.value;
  }
}

// Deeper than any real log context; the depth also keeps a later JSON.stringify off the stack's limit.
const MAX_DEPTH = 64;
const MAX_NODES = 10_000;

type Frame = { value: unknown; depth: number; put: (value: unknown) => void } | { leave: object };

function setOwn(target: unknown[] | Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so that a '__proto__' key stays a key and never replaces the copy's prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
