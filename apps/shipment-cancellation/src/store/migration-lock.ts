// Every migration run (service start, `npm run migrate`) holds one session advisory lock throughout: two
// replicas starting together migrate one after the other, and the second finds nothing pending.
import type { DataSource, Migration } from 'typeorm';
import { MIGRATION_LOCK_ID } from './advisory-locks';
import { createDataSource } from './data-source';
import { lockSession, tryLockSession, unlockSession } from './session-locks';

export interface MigrationLockOptions {
  /** Called once when another migrator holds the lock and this run starts waiting for it. */
  onWait?: () => void;
}

/**
 * Runs `work` while this process holds the migration lock, on a session of its own (so the data source needs
 * a pool of at least two: one for the lock, one for the work). Waits for as long as another migrator runs.
 */
export async function withMigrationLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
  options: MigrationLockOptions = {},
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    if (!(await tryLockSession(runner, MIGRATION_LOCK_ID))) {
      options.onWait?.();
      await lockSession(runner, MIGRATION_LOCK_ID);
    }
    try {
      return await work();
    } finally {
      await unlockSession(runner, MIGRATION_LOCK_ID);
    }
  } finally {
    // Releasing the session also ends the lock should the unlock above have failed.
    await runner.release();
  }
}

/** Applies the pending migrations under the lock; returns those this run applied (none when up to date). */
export function runMigrationsLocked(
  dataSource: DataSource,
  options: MigrationLockOptions = {},
): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }), options);
}

/** Reverts the last applied migration under the lock. */
export function undoLastMigrationLocked(
  dataSource: DataSource,
  options: MigrationLockOptions = {},
): Promise<void> {
  return withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }), options);
}

/**
 * The run at service start (RUN_MIGRATIONS): its own short-lived data source, so that the schema is complete
 * before the application's pool, consumers and workers touch it.
 */
export async function migrateAtStart(
  databaseUrl: string,
  log: (message: string) => void,
): Promise<Migration[]> {
  const dataSource = await createDataSource(databaseUrl, { poolSize: 2 }).initialize();
  try {
    const applied = await runMigrationsLocked(dataSource, {
      onWait: () => log('another instance is migrating the schema; waiting for it'),
    });
    log(
      applied.length === 0
        ? 'schema is up to date'
        : `applied migrations ${applied.map((m) => m.name).join(', ')}`,
    );
    return applied;
  } finally {
    await dataSource.destroy();
  }
}
