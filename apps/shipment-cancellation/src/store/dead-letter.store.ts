// Every statement on dead_letter. The ingest records a dead letter in its own transaction; the admin API lists
// them and marks the ones it redrove. Rows are never deleted here: a dead letter stays until someone decides.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { preparedQuery } from './query-rows';
import { safeText } from './dead-letter-bytes';
import { type DeadLetterFilter, filterParams, filterSql } from './dead-letter-filter';
import { type DeadLetterInput, recordDeadLetters } from './dead-letter-record';
import {
  type DeadLetterRow,
  PREVIEW_ROW,
  type SelectedRow,
  WHOLE_ROW,
  deadLetterOf,
} from './dead-letter-row';

export type { DeadLetterFilter } from './dead-letter-filter';
export type { DeadLetterInput } from './dead-letter-record';
export { type DeadLetterRow, LIST_FULL_PAYLOAD_BYTES } from './dead-letter-row';

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

@Injectable()
export class DeadLetterStore {
  /** Records the message in the caller's transaction; returns its id (the earlier record's on a repeat). */
  async record(manager: EntityManager, input: DeadLetterInput): Promise<string> {
    const [id] = await recordDeadLetters(manager, [input]);
    return id as string;
  }

  /** `record` for several messages in one statement; the ids come back in the order of `inputs`. */
  recordMany(manager: EntityManager, inputs: readonly DeadLetterInput[]): Promise<string[]> {
    return recordDeadLetters(manager, inputs);
  }

  /** One page, oldest first, after the dead letter `after` (an id); big payloads are read only in part. */
  async list(
    db: EntityManager,
    filter: DeadLetterFilter,
    page: { after: string | null; limit: number },
  ): Promise<DeadLetterRow[]> {
    const rows = await db.query<SelectedRow[]>(
      `SELECT ${PREVIEW_ROW} FROM dead_letter
        WHERE ${filterSql(1)}
          AND ($7::uuid IS NULL OR (dead_lettered_at, id) > (SELECT dead_lettered_at, id FROM dead_letter WHERE id = $7))
        ORDER BY dead_lettered_at, id LIMIT $8`,
      [...filterParams(filter), page.after, page.limit],
    );
    return rows.map(deadLetterOf);
  }

  async find(db: EntityManager, id: string): Promise<DeadLetterRow | null> {
    const [row] = await db.query<SelectedRow[]>(`SELECT ${WHOLE_ROW} FROM dead_letter WHERE id = $1`, [id]);
    return row ? deadLetterOf(row) : null;
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
    const [row] = await manager.query<SelectedRow[]>(
      `SELECT ${WHOLE_ROW} FROM dead_letter WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row ? deadLetterOf(row) : null;
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
    const rows = await manager.query<SelectedRow[]>(
      `SELECT ${WHOLE_ROW} FROM dead_letter WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, deadLetterOf(r)]));
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
