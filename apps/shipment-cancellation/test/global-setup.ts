// Brings Kafka and Postgres up (a no-op when they already run) and migrates a fresh test database.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createDataSource } from '../src/store/data-source';
import { recreateDatabase } from './support/database';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

export default async function globalSetup(): Promise<void> {
  execFileSync('bash', [path.join(repoRoot, 'infra', 'infra.sh'), 'up'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const databaseUrl = await recreateDatabase(process.env['POSTGRES_TEST_DB'] ?? 'oms_cancellation_test');
  const dataSource = await createDataSource(databaseUrl, { poolSize: 1 }).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  // Workers inherit these; the run id keeps this run's topics apart from earlier runs on the same broker.
  process.env['TEST_DATABASE_URL'] = databaseUrl;
  process.env['TEST_KAFKA_BROKERS'] =
    process.env['KAFKA_BROKERS'] ?? `127.0.0.1:${process.env['KAFKA_PORT'] ?? 9092}`;
  process.env['TEST_RUN_ID'] = randomUUID().slice(0, 8);
}
