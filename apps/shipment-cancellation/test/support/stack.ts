// The stack a bench or a fault run drives: infrastructure up, a fresh migrated database of its own, per-run
// topics, and the service as a child process configured against them.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { createDataSource } from '../../src/store/data-source';
import { ChildApp, answers, repoRoot } from './child-app';
import { recreateDatabase } from './database';

export const brokers = (
  process.env['KAFKA_BROKERS'] ?? `127.0.0.1:${process.env['KAFKA_PORT'] ?? 9092}`
).split(',');

/** `npm run infra -- up`: a no-op when Kafka and Postgres already run. */
export function infraUp(quiet = false): void {
  execFileSync('bash', [path.join(repoRoot, 'infra', 'infra.sh'), 'up'], {
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'],
  });
}

/** Drops, creates and migrates a database of our own; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const url = await recreateDatabase(name);
  const dataSource = await createDataSource(url, { poolSize: 1 }).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  return url;
}

export interface RunTopics {
  orderCancelled: string;
  shipmentPurchased: string;
  shipmentCancelled: string;
  manualReshipRequired: string;
  shipmentCancellationFailed: string;
  deadLetter: string;
}

export function runTopics(prefix: string): RunTopics {
  return {
    orderCancelled: `${prefix}.order.cancelled`,
    shipmentPurchased: `${prefix}.shipment.purchased`,
    shipmentCancelled: `${prefix}.shipment.cancelled`,
    manualReshipRequired: `${prefix}.order.manual-reship-required`,
    shipmentCancellationFailed: `${prefix}.shipment.cancellation-failed`,
    deadLetter: `${prefix}.dlq`,
  };
}

export function outputTopics(topics: RunTopics): string[] {
  return [
    topics.shipmentCancelled,
    topics.manualReshipRequired,
    topics.shipmentCancellationFailed,
    topics.deadLetter,
  ];
}

/** Runs `work` with a connected admin client and the names of the topics the broker has now. */
async function withTopics(work: (admin: Admin, existing: Set<string>) => Promise<void>): Promise<void> {
  const kafka = new Kafka({ clientId: 'oms-harness-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await work(admin, new Set(await admin.listTopics()));
  } finally {
    await admin.disconnect();
  }
}

export function createTopics(names: string[], partitions: number): Promise<void> {
  return withTopics(async (admin, existing) => {
    const wanted = names.filter((n) => !existing.has(n));
    if (wanted.length > 0)
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({ topic, numPartitions: partitions })),
      });
  });
}

/** Deletes topics a run made, so that runs do not pile partitions up on the broker (missing ones are skipped). */
export function deleteTopics(names: string[]): Promise<void> {
  return withTopics(async (admin, existing) => {
    const doomed = names.filter((n) => existing.has(n));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  });
}

/** The service's environment for one run: its database, topics, group and carrier; overrides on top. */
export function serviceEnv(
  run: { databaseUrl: string; topics: RunTopics; groupId: string; carrierUrl: string; partitions: number },
  overrides: Record<string, string> = {},
): Record<string, string> {
  const t = run.topics;
  return {
    DATABASE_URL: run.databaseUrl,
    RUN_MIGRATIONS: 'false',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_GROUP_ID: run.groupId,
    KAFKA_TOPIC_PARTITIONS: String(run.partitions),
    TOPIC_ORDER_CANCELLED: t.orderCancelled,
    TOPIC_SHIPMENT_PURCHASED: t.shipmentPurchased,
    TOPIC_SHIPMENT_CANCELLED: t.shipmentCancelled,
    TOPIC_MANUAL_RESHIP_REQUIRED: t.manualReshipRequired,
    TOPIC_SHIPMENT_CANCELLATION_FAILED: t.shipmentCancellationFailed,
    TOPIC_DEAD_LETTER: t.deadLetter,
    CARRIER_BASE_URL: run.carrierUrl,
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}

export type ServiceRuntime = 'swc' | 'compiled';

/** The commit the service and libraries were run from, `+dirty` when they had uncommitted changes. */
export function codeRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'apps/shipment-cancellation/src', 'libs') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** The compiled service's entry point, from the repository root: what `nx build shipment-cancellation` writes. */
export const compiledServiceMain = 'dist/apps/shipment-cancellation/main.js';

/**
 * What `nx build shipment-cancellation` runs (without starting Nx): the service compiled to
 * dist/apps/shipment-cancellation, as `npm start` and the Docker image run it.
 */
export function buildService(): void {
  execFileSync(process.execPath, ['infra/build-app.cjs', 'shipment-cancellation'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * The shipment-cancellation service as a child process, ready when /health/ready says so: from source through
 * @swc-node/register (the tests), or compiled (call buildService first; plain node runs the built main.js, no
 * compiler in the process, so its memory is what production would see).
 */
export function startServiceProcess(
  env: Record<string, string>,
  logFile?: string,
  timeoutMs = 90_000,
  runtime: ServiceRuntime = 'swc',
): Promise<ChildApp> {
  return ChildApp.start({
    script: 'apps/shipment-cancellation/src/main.ts',
    tsconfig: 'apps/shipment-cancellation/tsconfig.json',
    ...(runtime === 'compiled'
      ? {
          nodeArgs: [
            '--enable-source-maps',
            // As npm start, nx serve and the Docker image run it: live data is small, and without a cap V8
            // lets garbage grow the heap to twice the resident memory it needs.
            '--max-old-space-size=160',
            // Extra node flags for experiments, e.g. SERVICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
            ...(process.env['SERVICE_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
            compiledServiceMain,
          ],
        }
      : {}),
    env,
    ...(logFile ? { logFile } : {}),
    ready: (url) => answers(`${url}/health/ready`),
    timeoutMs,
  });
}
