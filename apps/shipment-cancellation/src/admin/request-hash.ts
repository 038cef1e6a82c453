// What makes two admin requests the same one, for Idempotency-Key: a repeat of the same request gets the first
// answer again (store/idempotency.store.ts keeps it); the same key on another request is refused.
import { createHash } from 'node:crypto';

/** Sorted keys at every level, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same": the action, its target ids and the body. */
export function requestHash(action: string, params: Record<string, string>, body: unknown): string {
  return createHash('sha256').update(canonicalJson({ action, params, body })).digest('hex');
}
