// `npm run migrate [-- up|down]`: applies (or reverts the last of) the migrations to DATABASE_URL, holding the
// migration advisory lock, so that it may run while instances start (they wait for it, then find nothing to do).
import { loadConfig } from '../platform/config/config';
import { createDataSource } from './data-source';
import { runMigrationsLocked, undoLastMigrationLocked } from './migration-lock';

async function main(direction: string): Promise<void> {
  const { databaseUrl } = loadConfig();
  // Two sessions: one holds the lock, the other migrates.
  const dataSource = await createDataSource(databaseUrl, { poolSize: 2 }).initialize();
  const onWait = (): void => console.log('another migrator holds the migration lock; waiting for it');
  try {
    if (direction === 'down') {
      await undoLastMigrationLocked(dataSource, { onWait });
      console.log('reverted the last migration');
    } else {
      const applied = await runMigrationsLocked(dataSource, { onWait });
      console.log(
        applied.length === 0 ? 'schema is up to date' : `applied ${applied.map((m) => m.name).join(', ')}`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv[2] ?? 'up').catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
