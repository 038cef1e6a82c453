// Keeps the hot tables' planner statistics fresh (ANALYZE while they are young and growing), and vacuums them
// when the server's autovacuum is off.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { PeriodicPass } from '../../platform/scheduling/periodic-pass';
import { UPKEEP_LOCK_ID } from '../advisory-locks';
import { tryLockSession, unlockSession } from '../session-locks';

/** autovacuum_vacuum_cost_delay's default. */
const VACUUM_COST_DELAY = '2ms';

/** The tables whose rows churn with every cancellation. */
export const HOT_TABLES = [
  'shipment',
  'cancellation_request',
  'shipment_cancellation',
  'carrier_attempt',
  'inbox_message',
  'outbox_event',
] as const;

export interface TableActivity {
  table: string;
  liveRows: number;
  deadRows: number;
  modifiedSinceAnalyze: number;
  /** Whether the table has statistics at all. */
  analyzed: boolean;
}

/**
 * What a table needs now: ANALYZE while it is young (no statistics yet, or doubled since), VACUUM when the
 * server does not and dead rows reached a fifth of it (autovacuum's own default).
 */
export function upkeepFor(
  activity: TableActivity,
  autovacuumOn: boolean,
): { analyze: boolean; vacuum: boolean } {
  const analyze = activity.modifiedSinceAnalyze > (activity.analyzed ? 1_000 + activity.liveRows : 500);
  const vacuum = !autovacuumOn && activity.deadRows > 5_000 + 0.2 * activity.liveRows;
  return { analyze: analyze && !vacuum, vacuum };
}

/** Analyzes or vacuums the hot tables that need it, on one instance at a time (a session lock elects it). */
@Injectable()
export class TableUpkeep {
  private readonly logger = new Logger('TableUpkeep');
  private readonly periodic = new PeriodicPass(() =>
    this.runOnce().catch(async (error: Error) => {
      this.logger.warn(`table upkeep failed: ${error.message}`);
      // The session may be gone (a Postgres restart): start the next pass on a fresh one.
      await this.releaseRunner();
    }),
  );
  private runner: QueryRunner | null = null;
  private autovacuumOn: boolean | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    this.periodic.start(this.config.database.upkeepIntervalMs);
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
    await this.releaseRunner();
  }

  private async releaseRunner(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    await runner?.release().catch(() => undefined);
  }

  /** One pass: if this instance holds the upkeep lock, analyze or vacuum the tables that need it. */
  async runOnce(): Promise<void> {
    // Its own connection: VACUUM cannot run in a transaction, and the session lock must stay on one session.
    if (!this.runner) {
      this.runner = this.dataSource.createQueryRunner();
      // Paced like autovacuum (a manual VACUUM runs unthrottled), so its page work does not starve the hot
      // path's commits. Only VACUUM and ANALYZE read this setting.
      await this.runner.query(`SET vacuum_cost_delay = '${VACUUM_COST_DELAY}'`);
    }
    const runner = this.runner;
    if (!(await tryLockSession(runner, UPKEEP_LOCK_ID))) return;
    try {
      if (this.autovacuumOn === null) {
        const [setting]: Array<{ on: boolean }> = await runner.query(
          `SELECT current_setting('autovacuum') = 'on' AS on`,
        );
        this.autovacuumOn = setting?.on ?? true;
        if (!this.autovacuumOn)
          this.logger.warn(
            'autovacuum is off on this Postgres server: the service vacuums its own tables; turn it on (autovacuum = on)',
          );
      }
      const activity: TableActivity[] = await runner.query(
        `SELECT relname AS "table", n_live_tup::int AS "liveRows", n_dead_tup::int AS "deadRows",
                n_mod_since_analyze::int AS "modifiedSinceAnalyze",
                COALESCE(last_analyze, last_autoanalyze) IS NOT NULL AS analyzed
           FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ANY($1)`,
        [[...HOT_TABLES]],
      );
      for (const table of activity) {
        const { analyze, vacuum } = upkeepFor(table, this.autovacuumOn);
        if (!analyze && !vacuum) continue;
        const action = vacuum ? 'vacuum' : 'analyze';
        const started = performance.now();
        // The name comes from HOT_TABLES through pg_stat_user_tables, never from input.
        await runner.query(vacuum ? `VACUUM (ANALYZE) "${table.table}"` : `ANALYZE "${table.table}"`);
        this.metrics.tableUpkeep.inc({ table: table.table, action });
        this.logger.debug(`${action} ${table.table}`, {
          liveRows: table.liveRows,
          deadRows: table.deadRows,
          modifiedSinceAnalyze: table.modifiedSinceAnalyze,
          ms: Math.round(performance.now() - started),
        });
      }
    } finally {
      await unlockSession(runner, UPKEEP_LOCK_ID);
    }
  }
}
