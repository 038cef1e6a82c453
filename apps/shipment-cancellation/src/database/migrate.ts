// `npm run migrate [-- up|down]`: applies (or reverts the last of) the migrations to DATABASE_URL.
import { loadConfig } from '../config/config';
import { createDataSource } from './data-source';

async function main(direction: string): Promise<void> {
  const { databaseUrl } = loadConfig();
  const dataSource = await createDataSource(databaseUrl, { poolSize: 2 }).initialize();
  try {
    if (direction === 'down') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
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
