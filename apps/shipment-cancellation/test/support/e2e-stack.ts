// One end-to-end stack per test file: the carrier sandbox, the service in-process on this run's topics, an
// output collector on Kafka and a connection to the test database.
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/platform/config/config';
import { createDataSource } from '../../src/store/data-source';
import type { RunningService } from '../../src/service-runtime';
import { TestKafka } from './kafka';
import { SandboxProcess } from './sandbox';
import { startTestService, testConfig } from './service';

export interface E2eStack {
  sandbox: SandboxProcess;
  config: AppConfig;
  kafka: TestKafka;
  db: DataSource;
  service: RunningService;
  stop(): Promise<void>;
}

export async function startE2eStack(
  options: { env?: Record<string, string>; sandboxEnv?: Record<string, string> } = {},
): Promise<E2eStack> {
  const sandbox = await SandboxProcess.start(options.sandboxEnv);
  const config = testConfig(sandbox.url, options.env);
  const kafka = new TestKafka(config);
  await kafka.start();
  const db = await createDataSource(config.databaseUrl, { poolSize: 3 }).initialize();
  const service = await startTestService(config);
  return {
    sandbox,
    config,
    kafka,
    db,
    service,
    async stop() {
      await service.stop();
      await kafka.stop();
      await db.destroy();
      await sandbox.stop();
    },
  };
}
