import { loadSandboxConfig } from './config/sandbox-config';
import { createJsonLogger } from './logging/json-logger';
import { createSandboxServer } from './sandbox-server';

// `npx nx serve carrier-sandbox`: configuration from the environment, JSON logs, graceful SIGTERM.
async function main(): Promise<void> {
  const loaded = loadSandboxConfig(process.env);
  if (!loaded.ok) {
    for (const error of loaded.errors)
      console.error(JSON.stringify({ level: 'error', msg: 'invalid configuration', error }));
    process.exit(1);
  }
  const { config } = loaded;
  const logger = createJsonLogger(config.logLevel);
  const sandbox = await createSandboxServer({
    port: config.port,
    host: config.host,
    seedDemo: config.seedDemo,
    faultSeed: config.faultSeed,
    rateLimits: config.rateLimits,
    settings: {
      mfnRefundDelayMs: config.mfnRefundDelayMs,
      mfnRefundRejectionRate: config.mfnRefundRejectionRate,
      tokenTtlSeconds: config.tokenTtlSeconds,
    },
    logger,
  });
  // Printed whatever the log level: the service's tests and the bench wait for this line to learn the URL.
  process.stdout.write(`${JSON.stringify({ msg: 'carrier-sandbox listening', url: sandbox.url })}\n`);
  logger.info('sandbox ready', {
    seedDemo: config.seedDemo,
    shipments: sandbox.state.store.size,
    rateLimits: config.rateLimits,
    faultSeed: config.faultSeed,
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    sandbox.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(
    JSON.stringify({ level: 'error', msg: 'carrier-sandbox failed to start', error: String(err) }),
  );
  process.exit(1);
});
