// Helpers for tests of the admin API (unit and end to end): fresh keys with their ADMIN_API_KEYS entry, and
// a small HTTP client that keeps status, headers and the raw body. Never imported by the service itself.
import type { AdminRole } from './auth/api-key';
import { generateApiKey, hashApiKey } from './auth/api-key';

export interface TestKey {
  id: string;
  role: AdminRole;
  key: string;
  /** The ADMIN_API_KEYS entry for this key. */
  entry: string;
}

export function testKey(id: string, role: AdminRole): TestKey {
  const key = generateApiKey();
  return { id, role, key, entry: `${id}:${role}:${hashApiKey(key)}` };
}

/** ADMIN_API_KEYS for a set of keys. */
export function apiKeysEnv(keys: TestKey[]): string {
  return keys.map((k) => k.entry).join(',');
}

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface CallOptions {
  key?: TestKey | string | null;
  body?: unknown;
  /** Sent as is (a string) instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

export class AdminApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly defaultKey: TestKey | null = null,
  ) {}

  as(key: TestKey): AdminApiClient {
    return new AdminApiClient(this.baseUrl, key);
  }

  get<T = Record<string, unknown>>(path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    return this.call<T>('GET', path, options);
  }

  post<T = Record<string, unknown>>(path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    return this.call<T>('POST', path, options);
  }

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const key = options.key === undefined ? this.defaultKey : options.key;
    const headers: Record<string, string> = {
      ...(key ? { authorization: `Bearer ${typeof key === 'string' ? key : key.key}` } : {}),
      ...(options.body !== undefined || options.raw !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      ...options.headers,
    };
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }
}

/** `/admin/v1/...` with each id URL-encoded. */
export function adminPath(strings: TemplateStringsArray, ...ids: string[]): string {
  return `/admin/v1${strings.reduce((out, s, i) => out + s + (i < ids.length ? encodeURIComponent(ids[i] ?? '') : ''), '')}`;
}
