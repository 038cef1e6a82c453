// Brings Kafka and Postgres up (a no-op when they run) and migrates a fresh test database.
import { randomUUID } from 'node:crypto';
import { createDataSource } from '../src/database/data-source';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { infraUp, recreateDatabase } = require('../../../infra/jest/integration-setup.cjs') as {
  infraUp: () => { kafkaBrokers: string; postgres: Record<string, unknown> };
  recreateDatabase: (postgres: Record<string, unknown>, name: string) => Promise<string>;
};

export default async function globalSetup(): Promise<void> {
  const { kafkaBrokers, postgres } = infraUp();
  const databaseUrl = await recreateDatabase(postgres, process.env['POSTGRES_TEST_DB'] ?? 'oms_cancellation_test');
  const dataSource = await createDataSource(databaseUrl, { poolSize: 1 }).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  // Workers inherit these; a run id keeps this run's topics apart from earlier runs on the same broker.
  process.env['TEST_DATABASE_URL'] = databaseUrl;
  process.env['TEST_KAFKA_BROKERS'] = kafkaBrokers;
  process.env['TEST_RUN_ID'] = randomUUID().slice(0, 8);
}
