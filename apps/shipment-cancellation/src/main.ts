import 'reflect-metadata';
import { ConfigError, loadConfig } from './platform/config/config';
import { JsonLogger } from './platform/logging/json-logger';
import { startService } from './service-runtime';
import { startTracing, stopTracing } from './platform/tracing/tracing';

const SHUTDOWN_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = new JsonLogger(config.logLevel);
  if (startTracing(config.tracing)) {
    logger.log(`tracing: OTLP/HTTP spans to ${config.tracing.url}`, 'Tracing');
  }
  const service = await startService(config, { logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`received ${signal}`, 'Shutdown');
      // A stuck dependency must not keep the process alive forever; work left is safe in Postgres.
      setTimeout(() => {
        logger.error('graceful shutdown timed out; exiting', 'Shutdown');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      service
        .stop()
        .then(() => stopTracing())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error(`shutdown failed: ${(error as Error).message}`, 'Shutdown');
            process.exit(1);
          },
        );
    });
  }
}

main().catch((error: unknown) => {
  console.error(
    JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: (error as Error).message }),
  );
  process.exit(1);
});
