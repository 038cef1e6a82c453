// Every statement on dead_letter. The ingest records a dead letter in its own transaction; the admin API lists
// them and marks the ones it redrove. Rows are never deleted here: a dead letter stays until someone decides.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { preparedQuery } from './query-rows';
import type { InboundMessage } from '../platform/kafka/inbound-message';
import { type StoredHeader, safeNullableText, safeText, storedHeaders } from './dead-letter-bytes';

export interface DeadLetterInput {
  consumerGroup: string;
  message: InboundMessage;
  reason: { kind: string; message: string; issues: { path: string; message: string }[] };
  eventType: string | null;
  orderId: string | null;
  at: Date;
}

/** A dead letter as read back. `payload` is null for a tombstone, and only the first bytes when incomplete. */
export interface DeadLetterRow {
  id: string;
  consumerGroup: string;
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (offsets exceed 2^53). */
  offset: string;
  key: Buffer | null;
  payload: Buffer | null;
  payloadSize: number;
  /** False when a list read only the payload's first bytes. */
  payloadComplete: boolean;
  headers: StoredHeader[];
  error: { kind: string; message: string; issues: { path: string; message: string }[] };
  eventType: string | null;
  orderId: string | null;
  deadLetteredAt: Date;
  redriveCount: number;
  lastRedrivenAt: Date | null;
  lastRedrivenBy: string | null;
}

/** Which dead letters: every field narrows; `since` is inclusive, `until` exclusive. */
export interface DeadLetterFilter {
  topic?: string;
  errorKind?: string;
  orderId?: string;
  since?: Date;
  until?: Date;
  /** true: redriven at least once; false: never redriven. */
  redriven?: boolean;
}

/** What a redrive needs to know before it reads any payload. */
export interface RedriveCandidate {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  payloadSize: number;
}

export interface RedriveMark {
  id: string;
  redriveCount: number;
  lastRedrivenAt: Date;
  lastRedrivenBy: string;
}

const ISSUES_LIMIT = 100;

const RECORD = `
  INSERT INTO dead_letter (id, consumer_group, topic, partition, "offset", message_key, payload, payload_null, headers,
                           error_kind, error_message, error_issues, event_type, order_id, dead_lettered_at)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bytea[], $7::bytea[],
                       $8::boolean[], $9::jsonb[], $10::text[], $11::text[], $12::jsonb[], $13::text[], $14::text[],
                       $15::timestamptz[])
   ORDER BY 2, 3, 4, 5
  ON CONFLICT (consumer_group, topic, partition, "offset") DO NOTHING
  RETURNING id, consumer_group AS "group", topic, partition, "offset"::text AS "offset"`;

const FIND_RECORDED = `
  SELECT d.id, d.consumer_group AS "group", d.topic, d.partition, d."offset"::text AS "offset"
    FROM dead_letter d
    JOIN unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS p(g, t, pa, o)
      ON d.consumer_group = p.g AND d.topic = p.t AND d.partition = p.pa AND d."offset" = p.o`;

/** Payloads up to this size are read whole in a list; bigger ones only their first PREVIEW_BYTES. */
export const LIST_FULL_PAYLOAD_BYTES = 64 * 1024;
const PREVIEW_BYTES = 16 * 1024;

const COLUMNS = (payload: string) => `
  id, consumer_group, topic, partition, "offset"::text AS "offset", message_key, payload_null,
  octet_length(payload) AS payload_size, ${payload} AS payload, headers, error_kind, error_message, error_issues,
  event_type, order_id, dead_lettered_at, redrive_count, last_redriven_at, last_redriven_by`;
const FULL = COLUMNS('payload');
const PREVIEW = COLUMNS(
  `CASE WHEN octet_length(payload) <= ${LIST_FULL_PAYLOAD_BYTES} THEN payload ELSE substring(payload FROM 1 FOR ${PREVIEW_BYTES}) END`,
);

/** The filter as SQL on parameters $n … $n+5 (see filterParams); never built from input. */
function filterSql(n: number): string {
  return `($${n}::text IS NULL OR topic = $${n})
      AND ($${n + 1}::text IS NULL OR error_kind = $${n + 1})
      AND ($${n + 2}::text IS NULL OR order_id = $${n + 2})
      AND ($${n + 3}::timestamptz IS NULL OR dead_lettered_at >= $${n + 3})
      AND ($${n + 4}::timestamptz IS NULL OR dead_lettered_at < $${n + 4})
      AND ($${n + 5}::boolean IS NULL OR (redrive_count > 0) = $${n + 5})`;
}

function filterParams(f: DeadLetterFilter): unknown[] {
  return [
    f.topic ?? null,
    f.errorKind ?? null,
    f.orderId ?? null,
    f.since ?? null,
    f.until ?? null,
    f.redriven ?? null,
  ];
}

const positionKey = (group: string, topic: string, partition: number, offset: string): string =>
  `${group}\n${topic}\n${partition}\n${offset}`;

@Injectable()
export class DeadLetterStore {
  /** Records the message inside the caller's transaction; a second record of the same position is a no-op. Returns the dead letter's id (the existing one on a repeat). */
  async record(manager: EntityManager, input: DeadLetterInput): Promise<string> {
    const [id] = await this.recordMany(manager, [input]);
    return id as string;
  }

  /** `record` for several messages in one statement; the ids come back in the order of `inputs`. */
  async recordMany(manager: EntityManager, inputs: readonly DeadLetterInput[]): Promise<string[]> {
    if (inputs.length === 0) return [];
    const rows = inputs.map(recordValues);
    const columns = rows[0]?.map((_, i) => rows.map((row) => row[i])) ?? [];
    type Recorded = { id: string; group: string; topic: string; partition: number; offset: string };
    const ids = new Map<string, string>();
    const remember = (r: Recorded) => ids.set(positionKey(r.group, r.topic, r.partition, r.offset), r.id);
    (await manager.query<Recorded[]>(RECORD, columns)).forEach(remember);
    const keys = inputs.map((i) =>
      positionKey(i.consumerGroup, i.message.topic, i.message.partition, i.message.offset),
    );
    const missing = inputs.filter((_, i) => !ids.has(keys[i] as string));
    if (missing.length > 0) {
      // Recorded before (a redelivery), or by a transaction that committed while this one waited on it: a new
      // statement sees it.
      const found = await manager.query<Recorded[]>(FIND_RECORDED, [
        missing.map((i) => i.consumerGroup),
        missing.map((i) => i.message.topic),
        missing.map((i) => i.message.partition),
        missing.map((i) => i.message.offset),
      ]);
      found.forEach(remember);
    }
    return keys.map((key) => {
      const id = ids.get(key);
      if (id === undefined)
        throw new Error(`dead letter at ${key.replace(/\n/g, '/')} was neither recorded nor found`);
      return id;
    });
  }

  /** One page, oldest first, after the dead letter `after` (an id); big payloads are read only in part. */
  async list(
    db: EntityManager,
    filter: DeadLetterFilter,
    page: { after: string | null; limit: number },
  ): Promise<DeadLetterRow[]> {
    const rows = await db.query<RawRow[]>(
      `SELECT ${PREVIEW} FROM dead_letter
        WHERE ${filterSql(1)}
          AND ($7::uuid IS NULL OR (dead_lettered_at, id) > (SELECT dead_lettered_at, id FROM dead_letter WHERE id = $7))
        ORDER BY dead_lettered_at, id LIMIT $8`,
      [...filterParams(filter), page.after, page.limit],
    );
    return rows.map(fromRaw);
  }

  async find(db: EntityManager, id: string): Promise<DeadLetterRow | null> {
    const [row] = await db.query<RawRow[]>(`SELECT ${FULL} FROM dead_letter WHERE id = $1`, [id]);
    return row ? fromRaw(row) : null;
  }

  async exists(db: EntityManager, id: string): Promise<boolean> {
    const rows = await db.query<unknown[]>(`SELECT 1 FROM dead_letter WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** How many match, and how many of those were redriven already. */
  async count(db: EntityManager, filter: DeadLetterFilter): Promise<{ matched: number; redriven: number }> {
    const [row] = await db.query<Array<{ matched: number; redriven: number }>>(
      `SELECT count(*)::int AS matched, (count(*) FILTER (WHERE redrive_count > 0))::int AS redriven
         FROM dead_letter WHERE ${filterSql(1)}`,
      filterParams(filter),
    );
    return row ?? { matched: 0, redriven: 0 };
  }

  /** The dead letter, whole, locked until the caller's transaction ends: one redrive of it at a time. */
  async lockOne(manager: EntityManager, id: string): Promise<DeadLetterRow | null> {
    const [row] = await manager.query<RawRow[]>(`SELECT ${FULL} FROM dead_letter WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return row ? fromRaw(row) : null;
  }

  /**
   * Locks up to `limit` matching dead letters, oldest first, leaving out those redriven already unless `force`.
   * Payloads are not read here; `loadForRedrive` reads them a few at a time.
   */
  async lockForRedrive(
    manager: EntityManager,
    filter: DeadLetterFilter,
    options: { force: boolean; limit: number },
  ): Promise<RedriveCandidate[]> {
    return manager.query<RedriveCandidate[]>(
      `SELECT id, topic, partition, "offset"::text AS "offset", octet_length(payload) AS "payloadSize"
         FROM dead_letter
        WHERE ${filterSql(1)} AND ($7 OR redrive_count = 0)
        ORDER BY dead_lettered_at, id LIMIT $8
          FOR UPDATE`,
      [...filterParams(filter), options.force, options.limit],
    );
  }

  /** The dead letters with these ids, whole, in the order of `ids`. */
  async loadForRedrive(manager: EntityManager, ids: readonly string[]): Promise<DeadLetterRow[]> {
    const rows = await manager.query<RawRow[]>(`SELECT ${FULL} FROM dead_letter WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
    const byId = new Map(rows.map((r) => [r.id, fromRaw(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * Lets redriven copies in: deletes the inbox rows, by event id, that recorded those events as dead-lettered
   * (a message the database refused is recorded by its event id, so the consumer drops a copy as a
   * redelivery). An event recorded as processed stays so: a copy of it is still dropped.
   */
  async reopenInbox(manager: EntityManager, eventIds: readonly string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const [row] = await preparedQuery<{ n: number }>(
      manager,
      `WITH gone AS (DELETE FROM inbox_message WHERE message_id = ANY($1::text[]) AND result = 'dead_lettered' RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [eventIds],
    );
    return row?.n ?? 0;
  }

  /** Counts one more redrive of each, by `actor` at `at`. */
  async markRedriven(
    manager: EntityManager,
    ids: readonly string[],
    actor: string,
    at: Date,
  ): Promise<RedriveMark[]> {
    if (ids.length === 0) return [];
    // Through preparedQuery, which returns the RETURNING rows (TypeORM's query wraps an UPDATE's).
    return preparedQuery<RedriveMark>(
      manager,
      `UPDATE dead_letter SET redrive_count = redrive_count + 1, last_redriven_at = $2, last_redriven_by = $3
        WHERE id = ANY($1::uuid[])
        RETURNING id, redrive_count AS "redriveCount", last_redriven_at AS "lastRedrivenAt",
                  last_redriven_by AS "lastRedrivenBy"`,
      [ids, at, safeText(actor)],
    );
  }
}

/** One row of RECORD's parameters, every text made safe; the bytes go in as they came. */
function recordValues(input: DeadLetterInput): unknown[] {
  const { message, reason } = input;
  const issues = reason.issues.slice(0, ISSUES_LIMIT).map((issue) => ({
    path: safeText(issue.path),
    message: safeText(issue.message),
  }));
  return [
    randomUUID(),
    safeText(input.consumerGroup),
    message.topic,
    message.partition,
    message.offset,
    message.key,
    message.value ?? Buffer.alloc(0),
    message.value === null,
    JSON.stringify(storedHeaders(message.headers)),
    safeText(reason.kind, 200),
    safeText(reason.message),
    JSON.stringify(issues),
    safeNullableText(input.eventType),
    safeNullableText(input.orderId),
    input.at,
  ];
}

interface RawRow {
  id: string;
  consumer_group: string;
  topic: string;
  partition: number;
  offset: string;
  message_key: Buffer | null;
  payload_null: boolean;
  payload_size: number;
  payload: Buffer;
  headers: StoredHeader[];
  error_kind: string;
  error_message: string;
  error_issues: Array<{ path: string; message: string }>;
  event_type: string | null;
  order_id: string | null;
  dead_lettered_at: Date;
  redrive_count: number;
  last_redriven_at: Date | null;
  last_redriven_by: string | null;
}

function fromRaw(r: RawRow): DeadLetterRow {
  return {
    id: r.id,
    consumerGroup: r.consumer_group,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.message_key,
    payload: r.payload_null ? null : r.payload,
    payloadSize: r.payload_size,
    payloadComplete: r.payload.length === r.payload_size,
    headers: r.headers,
    error: { kind: r.error_kind, message: r.error_message, issues: r.error_issues },
    eventType: r.event_type,
    orderId: r.order_id,
    deadLetteredAt: r.dead_lettered_at,
    redriveCount: r.redrive_count,
    lastRedrivenAt: r.last_redriven_at,
    lastRedrivenBy: r.last_redriven_by,
  };
}
