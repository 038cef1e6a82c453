// Idempotency-Key for admin writes: the first response to (actor, key) is stored in the transaction that made
// the change, and returned again for a repeat of the same request; the same key on another request is
// refused. Keys are per actor, so two operators cannot collide.
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IDEMPOTENCY_KEY_LOCK_SEED } from '../store/advisory-locks';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

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

/**
 * Serialises requests that share (actor, key) until the first commits, so a concurrent repeat waits and then
 * replays instead of acting twice. Taken before any order lock, and only here, so it cannot deadlock with them.
 */
export async function lockIdempotencyKey(manager: EntityManager, actor: string, key: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, ${IDEMPOTENCY_KEY_LOCK_SEED}))`, [
    `${actor}\n${key}`,
  ]);
}

export async function findStoredResponse(
  manager: EntityManager,
  actor: string,
  key: string,
): Promise<StoredResponse | null> {
  const [row]: StoredResponse[] = await manager.query(
    `SELECT request_hash AS "requestHash", response_status AS status, response_body AS body
       FROM idempotency_record WHERE actor = $1 AND idempotency_key = $2`,
    [actor, key],
  );
  return row ?? null;
}

/**
 * Stores the response and returns its body as Postgres keeps it: the first answer is sent from the same
 * stored JSON a replay is, so both are byte for byte the same.
 */
export async function storeResponse(
  manager: EntityManager,
  record: {
    actor: string;
    key: string;
    method: string;
    path: string;
    requestHash: string;
    status: number;
    body: unknown;
  },
): Promise<unknown> {
  const [row]: Array<{ body: unknown }> = await manager.query(
    `INSERT INTO idempotency_record (actor, idempotency_key, method, path, request_hash, response_status, response_body)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
     RETURNING response_body AS body`,
    [
      record.actor,
      record.key,
      record.method,
      record.path,
      record.requestHash,
      record.status,
      JSON.stringify(record.body),
    ],
  );
  return row?.body;
}
