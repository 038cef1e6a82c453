// The idempotency records of admin writes: the first response to (actor, key), stored in the transaction that
// made the change and replayed for a repeat of the same request.
import type { EntityManager } from 'typeorm';
import { IDEMPOTENCY_KEY_LOCK_SEED } from './advisory-locks';
import { IdempotencyRecordEntity } from './entities/idempotency-record.entity';
import type { Json } from './entities/json';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

export interface ResponseToStore {
  actor: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
  status: number;
  body: unknown;
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
  const record = await manager.findOne(IdempotencyRecordEntity, {
    select: { requestHash: true, responseStatus: true, responseBody: true },
    where: { actor, idempotencyKey: key },
  });
  return (
    record && { requestHash: record.requestHash, status: record.responseStatus, body: record.responseBody }
  );
}

/**
 * Stores the response and returns its body as Postgres keeps it: the first answer is sent from the same
 * stored JSON a replay is, so both are byte for byte the same.
 */
export async function storeResponse(manager: EntityManager, response: ResponseToStore): Promise<unknown> {
  const inserted = await manager
    .createQueryBuilder()
    .insert()
    .into(IdempotencyRecordEntity)
    .values({
      actor: response.actor,
      idempotencyKey: response.key,
      method: response.method,
      path: response.path,
      requestHash: response.requestHash,
      responseStatus: response.status,
      // A response body is JSON by construction: it is what the API answers with.
      responseBody: response.body as Json,
    })
    .returning('response_body')
    .updateEntity(false)
    .execute();
  const [row] = inserted.raw as Array<{ response_body: unknown }>;
  return row?.response_body;
}
