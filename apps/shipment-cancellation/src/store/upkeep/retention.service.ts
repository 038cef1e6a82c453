// Deletes bookkeeping rows once they are old (published outbox events, inbox messages, idempotent answers):
// they grow with every order. Business records and the audit log are kept.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { PeriodicPass } from '../../platform/scheduling/periodic-pass';
import { RETENTION_LOCK_ID } from '../advisory-locks';
import { tryLockSession, unlockSession } from '../session-locks';

/** Rows per DELETE: each is a short transaction of its own, so no lock is held for long. */
const BATCH = 5_000;
/** A pass stops after this long and leaves the rest to the next one, so it never hogs the database. */
const PASS_BUDGET_MS = 30_000;

interface Rule {
  table: string;
  /** Deletes up to $1 rows old enough; returns how many it deleted. */
  sql: string;
  age: (config: AppConfig['retention']) => string;
}

/**
 * For a table with no key that grows with time: a sequential scan that stops once it has found a batch (old
 * rows tend to sit at the front of the heap, so it seldom reads far).
 */
function oldestFirst(table: string, column: string): string {
  return `WITH gone AS (
            DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
              SELECT ctid FROM ${table} WHERE ${column} < now() - $2::interval LIMIT $1))
            RETURNING 1)
          SELECT count(*)::int AS n FROM gone`;
}

// Each stops looking once it has found a batch.
const RULES: Rule[] = [
  {
    table: 'outbox_event',
    // Ids grow with time: the primary key's low end holds the oldest rows. Unpublished rows are kept.
    sql: `WITH gone AS (
            DELETE FROM outbox_event WHERE id IN (
              SELECT id FROM outbox_event
               WHERE published_at IS NOT NULL AND created_at < now() - $2::interval
               ORDER BY id LIMIT $1)
            RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
    age: (r) => `${r.outboxDays} days`,
  },
  {
    // An input redelivered after its inbox row is gone meets its order's request and changes nothing: the
    // retention need only outlast the input topics' to spare that work.
    table: 'inbox_message',
    sql: oldestFirst('inbox_message', 'received_at'),
    age: (r) => `${r.inboxDays} days`,
  },
  {
    table: 'idempotency_record',
    sql: oldestFirst('idempotency_record', 'created_at'),
    age: (r) => `${r.idempotencyHours} hours`,
  },
];

/** Deletes what is past its retention, on one instance at a time (a session lock elects it). */
@Injectable()
export class TableRetention {
  private readonly logger = new Logger('TableRetention');
  private readonly periodic = new PeriodicPass(() =>
    this.runOnce().then(
      () => undefined,
      (error: Error) => this.logger.warn(`deleting old rows failed: ${error.message}`),
    ),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    this.periodic.start(this.config.retention.intervalMs);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /**
   * One pass, if this instance holds the retention lock (one instance works at a time): deletes what is past
   * its retention, a batch at a time, within the pass's time budget. Returns the rows deleted per table.
   */
  async runOnce(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    // Its own session: the lock is a session lock, and each DELETE commits on its own.
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    try {
      if (!(await tryLockSession(runner, RETENTION_LOCK_ID))) return deleted;
      try {
        const until = performance.now() + PASS_BUDGET_MS;
        for (const rule of RULES) {
          let total = 0;
          for (;;) {
            const [row]: Array<{ n: number }> = await runner.query(rule.sql, [
              BATCH,
              rule.age(this.config.retention),
            ]);
            const n = row?.n ?? 0;
            total += n;
            if (n < BATCH || performance.now() > until) break;
          }
          deleted[rule.table] = total;
          if (total > 0) {
            this.metrics.rowsPruned.inc({ table: rule.table }, total);
            this.logger.log(
              `deleted ${total} ${rule.table} rows older than ${rule.age(this.config.retention)}`,
            );
          }
        }
      } finally {
        await unlockSession(runner, RETENTION_LOCK_ID);
      }
    } finally {
      await runner.release();
    }
    return deleted;
  }
}
