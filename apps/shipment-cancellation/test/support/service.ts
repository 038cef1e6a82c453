// Starts the real service in-process against the test infrastructure, with topics of this test run.
import { randomUUID } from 'node:crypto';
import { type AppConfig, loadConfig } from '../../src/platform/config/config';
import { JsonLogger } from '../../src/platform/logging/json-logger';
import { type RunningService, startService } from '../../src/service-runtime';

/** Environment for one test service: its own topics, group and HTTP port; overrides on top. */
export function testEnv(carrierUrl: string, env: Record<string, string> = {}): Record<string, string> {
  const suffix = `${process.env['TEST_RUN_ID'] ?? 'local'}.${randomUUID().slice(0, 6)}`;
  return {
    HTTP_PORT: '0',
    DATABASE_URL: process.env['TEST_DATABASE_URL'] as string,
    KAFKA_BROKERS: process.env['TEST_KAFKA_BROKERS'] as string,
    KAFKA_GROUP_ID: `oms-test-${suffix}`,
    KAFKA_TOPIC_PARTITIONS: '3',
    TOPIC_ORDER_CANCELLED: `test.${suffix}.order.cancelled`,
    TOPIC_SHIPMENT_PURCHASED: `test.${suffix}.shipment.purchased`,
    TOPIC_SHIPMENT_CANCELLED: `test.${suffix}.shipment.cancelled`,
    TOPIC_MANUAL_RESHIP_REQUIRED: `test.${suffix}.order.manual-reship-required`,
    TOPIC_SHIPMENT_CANCELLATION_FAILED: `test.${suffix}.shipment.cancellation-failed`,
    TOPIC_DEAD_LETTER: `test.${suffix}.dlq`,
    CARRIER_BASE_URL: carrierUrl,
    CARRIER_ATTEMPT_TIMEOUT_MS: '2000',
    CARRIER_DEADLINE_MS: '5000',
    WORKER_POLL_INTERVAL_MS: '50',
    WORKER_REFUND_FOLLOW_UP_MS: '200',
    OUTBOX_POLL_INTERVAL_MS: '50',
    RUN_MIGRATIONS: 'false',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
    ...env,
  };
}

/** The validated configuration of `testEnv`. */
export function testConfig(carrierUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig(testEnv(carrierUrl, env));
}

export function startTestService(config: AppConfig): Promise<RunningService> {
  return startService(config, { logger: new JsonLogger(config.logLevel) });
}
