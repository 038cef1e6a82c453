// Starts and stops the whole service in the order our guarantees need. Shared by main.ts and the tests.
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureAdminHttp } from './admin/admin-http';
import { AppModule } from './app.module';
import { CarrierWorker } from './pipeline/dispatch/carrier-worker.service';
import { migrateAtStart } from './store/migration-lock';
import { TableRetention } from './store/upkeep/retention.service';
import { TableUpkeep } from './store/upkeep/table-upkeep.service';
import type { AppConfig } from './platform/config/config';
import { ReadinessRegistry } from './platform/health/readiness.registry';
import { InboxService } from './pipeline/ingest/inbox.service';
import { isRefusedInput } from './platform/kafka/refused-input';
import { KafkaBatchServer } from './platform/kafka/kafka-batch.server';
import { KafkaClients } from './platform/kafka/kafka-clients';
import { Patterns } from './platform/kafka/patterns';
import { accessLogMiddleware } from './platform/logging/access-log';
import { JsonLogger } from './platform/logging/json-logger';
import { MetricsService } from './platform/metrics/metrics.service';
import { OutboxRelay } from './pipeline/relay/outbox-relay.service';

export interface RunningService {
  app: INestApplication;
  url: string;
  /** Graceful: stop consuming (the batch in hand commits), drain carrier calls, publish the outbox, close. */
  stop(): Promise<void>;
}

// Handled offsets are committed this often (not per batch): a crash redelivers at most this long's messages,
// which the inbox drops.
const OFFSET_COMMIT_INTERVAL_MS = 200;
// Each owned partition's lag and stall are read from the broker this often; a stall is warned about once a minute.
const PARTITION_WATCH_INTERVAL_MS = 5_000;
const STALL_WARNING_MS = 60_000;

export async function startService(
  config: AppConfig,
  options: { logger?: JsonLogger } = {},
): Promise<RunningService> {
  const logger = options.logger ?? new JsonLogger(config.logLevel);
  // The schema is complete before anything else touches it; the migration lock makes replicas that start
  // together migrate one at a time.
  if (config.runMigrations)
    await migrateAtStart(config.databaseUrl, (message) => logger.log(message, 'Migrations'));
  const app = await NestFactory.create(AppModule.forRoot(config), { logger, bufferLogs: false });
  // No enableShutdownHooks: stop() below runs the shutdown in the order our guarantees need, once.
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  // First on these paths: the access log line, and the request id on every line logged while handling it.
  app.use(['/admin', '/health'], accessLogMiddleware());
  configureAdminHttp(app, config);

  const kafkaClients = app.get(KafkaClients);
  await kafkaClients.ensureTopics();
  const metrics = app.get(MetricsService);
  const inbox = app.get(InboxService);
  const worker = app.get(CarrierWorker);
  const transport = new KafkaBatchServer({
    kafka: kafkaClients.kafka,
    groupId: config.kafka.groupId,
    subscriptions: {
      [config.topics.orderCancelled]: Patterns.orderCancelled,
      [config.topics.shipmentPurchased]: Patterns.shipmentPurchased,
    },
    maxBatch: 500,
    commitIntervalMs: OFFSET_COMMIT_INTERVAL_MS,
    partitionsConsumedConcurrently: Math.max(2, config.kafka.partitions),
    handlerConcurrency: 2,
    fetchMinBytes: config.kafka.fetchMinBytes,
    fetchMaxWaitMs: config.kafka.fetchMaxWaitMs,
    isRefusedInput,
    deadLetter: (message, error) => inbox.deadLetter(message, error),
    admit: (messages) => worker.admitIntake(messages),
    watchIntervalMs: PARTITION_WATCH_INTERVAL_MS,
    stallWarnAfterMs: STALL_WARNING_MS,
    onPartitionState: ({ topic, partition, lag, stalledSeconds }) => {
      const labels = { topic, partition: String(partition) };
      metrics.consumerLag.set(labels, lag);
      metrics.partitionStalled.set(labels, stalledSeconds);
    },
    onPartitionRevoked: ({ topic, partition }) => {
      const labels = { topic, partition: String(partition) };
      metrics.consumerLag.remove(labels);
      metrics.partitionStalled.remove(labels);
    },
  });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });

  const relay = app.get(OutboxRelay);
  const readiness = app.get(ReadinessRegistry);
  readiness.register('kafkaConsumer', () => transport.connected);
  readiness.register('kafkaProducer', () => relay.connected);

  const upkeep = app.get(TableUpkeep);
  upkeep.start();
  const retention = app.get(TableRetention);
  retention.start();
  await relay.start();
  worker.start();
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  new Logger('Service').log(`shipment-cancellation ready at ${url}`);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const log = new Logger('Shutdown');
      log.log('stopping: consumer first');
      await transport.close();
      log.log('draining carrier calls in flight');
      await worker.stop();
      await upkeep.stop();
      await retention.stop();
      log.log('publishing the outbox');
      await relay.stop();
      await app.close();
      log.log('stopped');
    })());
  return { app, url, stop };
}
