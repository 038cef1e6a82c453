// Reads typed values from the environment for config.ts, collecting one problem line per bad variable.
import type { AdminApiKey, CarrierEndpoint, LwaCredentialSet } from './config';

export type Env = Record<string, string | undefined>;

// Each reader records a problem and returns the default, so one pass reports everything.
export class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  private fail<T>(name: string, message: string, fallback: T): T {
    this.problems.push(`${name}: ${message}`);
    return fallback;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      return this.fail(name, `must be a whole number from ${min} to ${max}, got '${raw}'`, fallback);
    }
    return value;
  }

  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 0, 65535);
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    return this.fail(name, `must be true or false, got '${raw}'`, fallback);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    return this.fail(name, `must be one of ${allowed.join(', ')}, got '${raw}'`, fallback);
  }

  optionalUrl(name: string): string | undefined {
    return this.raw(name) === undefined ? undefined : this.url(name, '');
  }

  url(name: string, fallback: string, protocols: string[] = ['http:', 'https:']): string {
    const raw = this.raw(name) ?? fallback;
    try {
      const url = new URL(raw);
      if (!protocols.includes(url.protocol)) {
        return this.fail(name, `must be a ${protocols.join(' or ')} URL`, fallback);
      }
      return raw.replace(/\/+$/, '');
    } catch {
      // Never echo the value: a database URL may hold a password.
      return this.fail(name, 'must be a valid URL', fallback);
    }
  }

  endpoint(name: string, fallback: string): CarrierEndpoint {
    const raw = this.raw(name);
    if (raw === 'production' || raw === 'sandbox') return raw;
    return this.url(name, fallback);
  }

  list(name: string, fallback: string, pattern: RegExp, shape: string): string[] {
    const items = (this.raw(name) ?? fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((item) => !pattern.test(item));
    if (items.length === 0 || bad.length > 0) {
      return this.fail(name, `must be a comma-separated list of ${shape}`, fallback.split(','));
    }
    return items;
  }

  rate(
    name: string,
    fallback: { ratePerSecond: number; burst: number },
  ): { ratePerSecond: number; burst: number } {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const match = /^(\d+(?:\.\d+)?)\/s(?:\s*,\s*burst\s*(\d+))?$/.exec(raw);
    const ratePerSecond = Number(match?.[1]);
    const burst = match?.[2] === undefined ? Math.max(1, Math.ceil(ratePerSecond)) : Number(match[2]);
    if (!match || ratePerSecond <= 0 || burst < 1) {
      return this.fail(name, `must look like '80/s,burst 100', got '${raw}'`, fallback);
    }
    return { ratePerSecond, burst };
  }

  credentials(name: string, fallback: Record<string, LwaCredentialSet>): Record<string, LwaCredentialSet> {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // The value holds secrets: say what is wrong, never what it is.
      return this.fail(
        name,
        'must be JSON: {"<seller account or *>": {"clientId", "clientSecret", "refreshToken"}}',
        fallback,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return this.fail(name, 'must be a JSON object keyed by seller account (or *)', fallback);
    }
    const result: Record<string, LwaCredentialSet> = {};
    for (const [account, value] of Object.entries(parsed as Record<string, unknown>)) {
      const set = value as Partial<LwaCredentialSet> | null;
      const missing = (['clientId', 'clientSecret', 'refreshToken'] as const).filter(
        (key) => typeof set?.[key] !== 'string' || set[key] === '',
      );
      if (missing.length > 0) {
        this.problems.push(`${name}: account '${account}' is missing ${missing.join(', ')}`);
        continue;
      }
      result[account] = set as LwaCredentialSet;
    }
    return result;
  }

  // `id:role:sha256hex`, comma-separated; `npm run admin:keygen` prints one. No keys: the admin API refuses all.
  apiKeys(name: string): AdminApiKey[] {
    const keys: AdminApiKey[] = [];
    const entries = (this.raw(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    entries.forEach((entry, index) => {
      const [id = '', role = '', sha256 = '', ...extra] = entry.split(':');
      const where = `${name}: entry ${index + 1}`;
      if (extra.length > 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
        this.problems.push(
          `${where} must look like id:role:sha256hex, the id of letters, digits, '.', '_', '-'`,
        );
      } else if (role !== 'viewer' && role !== 'operator') {
        // Entries are never echoed: a key pasted by mistake must not reach a log.
        this.problems.push(`${where} has an unknown role; expected viewer or operator`);
      } else if (!/^[0-9a-f]{64}$/i.test(sha256)) {
        this.problems.push(`${where} must end in the key's SHA-256 as 64 hex digits (never the key itself)`);
      } else if (keys.some((k) => k.id === id)) {
        this.problems.push(`${where} repeats the id of an earlier entry`);
      } else {
        keys.push({ id, role, sha256: sha256.toLowerCase() });
      }
    });
    return keys;
  }
}
