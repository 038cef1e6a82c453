// The relay's statements: the next outbox batch, selected in the statement that marks the last one published,
// and the session lock that elects one relay per database.
import type { DataSource, QueryRunner } from 'typeorm';
import { RELAY_LOCK_ID } from './advisory-locks';
import { preparedQuery } from './query-rows';
import { tryLockSession, unlockSession } from './session-locks';
import { OUTBOX_EVENT, type OutboxEventColumns } from './tables/outbox.tables';

/** An outbox row as the relay sends it. */
export interface OutboxRow extends Pick<OutboxEventColumns, 'id' | 'topic' | 'messageKey' | 'eventType'> {
  /** The CloudEvent, as JSON text. */
  payload: string;
  /** The event's CloudEvents `traceparent`, also sent as the Kafka header of that name. */
  traceParent: string | null;
}

/**
 * Marks the rows sent last ($2) published, asynchronously committed, and selects the next batch ($1 rows).
 * The select sees the table as it was before the mark, hence the rows just marked are left out by id.
 */
export const MARK_AND_SELECT = `WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),
  marked AS (UPDATE outbox_event SET published_at = now() FROM async WHERE id = ANY($2::bigint[]))
  SELECT ${OUTBOX_EVENT.select('o', ['id', 'topic', 'messageKey', 'eventType'])},
         o.payload::text AS payload, o.payload->>'traceparent' AS "traceParent"
    FROM outbox_event o WHERE o.published_at IS NULL AND NOT (o.id = ANY($2::bigint[]))
   ORDER BY o.id LIMIT $1`;

/** The outbox as the relay reads and marks it, and the relay's leadership lock. */
export class RelayStore {
  /** The session holding (or trying for) the relay lock. */
  private lockRunner: QueryRunner | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Marks the rows sent last published and selects up to `limit` unpublished rows, oldest first. The mark's
   * commit is not flushed first: a Postgres crash that loses it only re-sends those rows, same ids.
   */
  markAndSelectNext(sent: readonly string[], limit: number): Promise<OutboxRow[]> {
    return preparedQuery<OutboxRow>(this.dataSource, MARK_AND_SELECT, [limit, sent]);
  }

  /** Takes the relay lock if no other instance holds it; true when this instance relays. */
  tryLead(): Promise<boolean> {
    this.lockRunner ??= this.dataSource.createQueryRunner();
    return tryLockSession(this.lockRunner, RELAY_LOCK_ID);
  }

  /** Gives the relay lock back and closes its session. */
  async stepDown(): Promise<void> {
    const runner = this.lockRunner;
    this.lockRunner = null;
    if (!runner) return;
    try {
      await unlockSession(runner, RELAY_LOCK_ID);
    } catch {
      // The connection is gone, and the lock with it.
    }
    await runner.release().catch(() => undefined);
  }
}
