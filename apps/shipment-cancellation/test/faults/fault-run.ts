// One fault run: a fresh database and topics, the sandbox with the workload's labels, the service as one or
// several child processes in one consumer group; then the input stream is published while faults are injected,
// the system is left to settle, and everything the offline checker needs is written to the run's folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Kafka, type Producer, logLevel } from 'kafkajs';
import { repoRoot } from '../support/child-app';
import { GroupWatcher } from '../support/kafka-topics';
import { DeliveryProbe } from '../support/delivery-probe';
import { SandboxProcess } from '../support/sandbox';
import {
  type RunTopics,
  brokers,
  codeRevision,
  createTopics,
  freshDatabase,
  infraUp,
  runTopics,
  serviceEnv,
} from '../support/stack';
import {
  ChaosLog,
  ServiceSupervisor,
  baselineFaults,
  killBroker,
  restartPostgres,
  squeezeRateLimits,
  stormOf429,
} from './chaos';
import { type StreamItem, buildWorkload, sandboxSeed, sellerAccounts } from './fault-workload';
import { InputLog } from './input-log';

export interface FaultRunOptions {
  seed: string;
  orders: number;
  kills: number;
  brokerKill: boolean;
  postgresRestart: boolean;
  carrierFaults: boolean;
  /** Stream items per second; default: spread the stream over about 8 s per kill. */
  rate?: number;
  partitions: number;
  database: string;
  settleTimeoutS: number;
  /** Service processes in the one consumer group (default 1); the kills go round them in turn. */
  instances?: number;
  outDir?: string;
  /** Only chaos events and problems on the console (the jest variant). */
  quiet?: boolean;
}

export interface RunManifest {
  runId: string;
  /** The service's code: commit, `+dirty` with uncommitted changes. */
  revision: string;
  options: FaultRunOptions;
  topics: RunTopics;
  databaseUrl: string;
  groupId: string;
  startedAt: string;
  finishedAt: string;
  settled: boolean;
  kills: number;
  brokerKilled: boolean;
  postgresRestarted: boolean;
  serviceStartFailures: number;
  unexpectedExits: string[];
  /** The graceful stop's exit code: the first instance's that is not 0, else the first instance's. */
  finalExitCode: number | null;
  /** Each instance's exit code at the graceful stop. */
  finalExitCodes: Array<number | null>;
  chaos: Array<{ at: string; what: string; detail?: string }>;
}

// Mean uptime between kills, and how long a restarted service needs before it consumes again.
const UPTIME_S = 8;
const RESTART_S = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFaults(options: FaultRunOptions): Promise<{ dir: string; manifest: RunManifest }> {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-seed${options.seed}`;
  const dir = options.outDir ?? path.join(repoRoot, 'tmp', 'faults', runId);
  mkdirSync(dir, { recursive: true });
  const log = new ChaosLog(options.quiet);
  const say = options.quiet ? () => undefined : (line: string) => console.log(line);
  const instances = options.instances ?? 1;
  say(
    `fault run ${runId}: ${options.orders} orders, ${options.kills} kills, ${instances} service instance(s); files in ${path.relative(process.cwd(), dir)}`,
  );

  infraUp(true);
  const revision = codeRevision();
  const databaseUrl = await freshDatabase(options.database);
  const topics = runTopics(`faults.${runId}`);
  const groupId = `faults-${runId}`;
  await createTopics(Object.values(topics), options.partitions);
  const sandbox = await SandboxProcess.start({
    SANDBOX_SEED_DEMO: 'false',
    SANDBOX_LOG_LEVEL: 'error',
    SANDBOX_MFN_REFUND_DELAY_MS: '1000',
    SANDBOX_FAULT_SEED: options.seed,
  });
  const workload = buildWorkload(options.seed, options.orders);
  writeFileSync(
    path.join(dir, 'workload.json'),
    JSON.stringify({ seed: workload.seed, orders: workload.orders }),
  );
  const seeds = workload.orders.flatMap((o) => o.shipments.map((s) => sandboxSeed(o, s)));
  for (let i = 0; i < seeds.length; i += 5_000)
    await sandbox.control('POST', 'shipments', seeds.slice(i, i + 5_000));

  // One refresh token per seller account, as in production: each account is its own selling partner, with
  // its own rate limits (the Tokens API's included).
  const accounts = sellerAccounts(workload);
  const token = (account: string) => `Atzr|fault-${account}`;
  await sandbox.control('POST', 'credentials', {
    refreshTokens: accounts.map((account) => ({ refreshToken: token(account), sellerAccount: account })),
  });
  const credentials = Object.fromEntries(
    accounts.map((account) => [
      account,
      {
        clientId: 'amzn1.application-oa2-client.sandbox',
        clientSecret: 'sandbox-client-secret',
        refreshToken: token(account),
      },
    ]),
  );
  const env = serviceEnv(
    { databaseUrl, topics, groupId, carrierUrl: sandbox.url, partitions: options.partitions },
    {
      CARRIER_CREDENTIALS: JSON.stringify(credentials),
      // Short carrier timeouts and lease, so unknown outcomes and killed claims come back within the run.
      CARRIER_ATTEMPT_TIMEOUT_MS: '1000',
      CARRIER_DEADLINE_MS: '4000',
      WORKER_LEASE_MS: '8000',
      WORKER_POLL_INTERVAL_MS: '100',
      WORKER_REFUND_FOLLOW_UP_MS: '500',
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: 'warn',
    },
  );
  const supervisor = new ServiceSupervisor(
    env,
    (i) => path.join(dir, instances === 1 ? 'service.log' : `service-${i + 1}.log`),
    log,
    instances,
  );
  const inputs = new InputLog(path.join(dir, 'inputs.jsonl'), topics);
  const producer = new Publisher();
  let settled = false;
  let brokerKilled = false;
  let postgresRestarted = false;
  let finalExitCodes: Array<number | null> = [];
  let rateLimitExcused: Record<string, number> = {};
  // The sandbox's own lag, beside its loop's stalls: how late bytes written to it reach it (see DeliveryProbe).
  const probe = DeliveryProbe.start(sandbox.url);
  try {
    await supervisor.start();
    await publish(producer, workload.purchases, inputs, topics, log);
    await waitForProjection(databaseUrl, workload.purchases.length);
    log.note('projection complete', `${workload.purchases.length} shipments`);

    if (options.carrierFaults) await sandbox.setFaults(baselineFaults(options.seed));
    // A killed service takes ~30 s to get its partitions back (the dead member's session must time out), so
    // the stream spans the kills' uptime plus that, and every kill lands while inputs still arrive.
    const rate =
      options.rate ??
      Math.max(5, Math.round(workload.stream.length / Math.max(20, options.kills * (UPTIME_S + RESTART_S))));
    const expectedS = workload.stream.length / rate;
    say(`  stream: ${workload.stream.length} messages at ${rate}/s (~${Math.round(expectedS)} s)`);
    let streaming = true;
    const stream = publishPaced(producer, workload.stream, rate, inputs, topics, log, say).finally(
      () => (streaming = false),
    );
    const at = (share: number) => sleep(share * expectedS * 1000);
    const chaos: Array<Promise<unknown>> = [killLoop(supervisor, options.kills, expectedS, () => streaming)];
    if (options.carrierFaults) {
      chaos.push(at(0.15).then(() => stormOf429(sandbox, options.seed, 8_000, log)));
      chaos.push(
        at(0.45).then(async () => (rateLimitExcused = await squeezeRateLimits(sandbox, 8_000, log))),
      );
      chaos.push(at(0.75).then(() => stormOf429(sandbox, `${options.seed}b`, 6_000, log)));
    }
    if (options.brokerKill)
      chaos.push(at(0.35).then(async () => (brokerKilled = await killBroker(log, 2_000))));
    if (options.postgresRestart)
      chaos.push(at(0.6).then(async () => (postgresRestarted = await restartPostgres(log))));
    await Promise.all([stream, ...chaos]);
    log.note('stream published and faults done', `${supervisor.kills} kills`);

    if (options.carrierFaults) await sandbox.control('DELETE', 'faults');
    settled = await settle(databaseUrl, groupId, topics, supervisor, options.settleTimeoutS * 1000, log, say);
    // Let due MFN refund decisions land at the carrier before reading its state.
    await sleep(1_500);
    const counters = await sandbox.counters();
    const shipments = await sandbox.control<{ shipments: unknown[] }>('GET', 'shipments');
    writeFileSync(
      path.join(dir, 'carrier.json'),
      JSON.stringify({ counters, shipments: shipments.shipments, rateLimitExcused }),
    );
    finalExitCodes = await supervisor.stop();
    log.note('service stopped (SIGTERM)', `exit code ${finalExitCodes.join(', ')}`);
  } finally {
    probe.stop();
    await producer.renew();
    await supervisor.killAll();
    await sandbox.stop().catch(() => undefined);
    await inputs.close();
  }
  const manifest: RunManifest = {
    runId,
    revision,
    options,
    topics,
    databaseUrl,
    groupId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settled,
    kills: supervisor.kills,
    brokerKilled,
    postgresRestarted,
    serviceStartFailures: supervisor.startFailures,
    unexpectedExits: supervisor.unexpectedExits,
    finalExitCode: finalExitCodes.find((code) => code !== 0) ?? finalExitCodes[0] ?? null,
    finalExitCodes,
    chaos: log.events,
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir, manifest };
}

/** Sends until acknowledged: the broker may be down. A send that failed may have landed; the checker reads the topics. */
async function publish(
  producer: Publisher,
  items: StreamItem[],
  inputs: InputLog,
  topics: RunTopics,
  log: ChaosLog,
): Promise<void> {
  for (let i = 0; i < items.length; i += 500)
    await sendAcked(producer, items.slice(i, i + 500), inputs, topics, log);
}

async function sendAcked(
  producer: Publisher,
  items: StreamItem[],
  inputs: InputLog,
  topics: RunTopics,
  log: ChaosLog,
): Promise<void> {
  const byTopic = new Map<string, StreamItem[]>();
  for (const item of items)
    byTopic.set(topics[item.topic], [...(byTopic.get(topics[item.topic]) ?? []), item]);
  for (let attempt = 1; ; attempt++) {
    try {
      await producer.send(
        [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((item) => ({ key: item.key, value: item.value })),
        })),
      );
      inputs.record(items, attempt);
      return;
    } catch (error) {
      if (attempt === 1)
        log.note('publish failed, retrying until the broker answers', (error as Error).message.slice(0, 120));
      await producer.renew();
      await sleep(1_000);
    }
  }
}

/**
 * The platform's producer. After a failed send it is replaced: kafkajs's idempotent producer can be left with
 * sequence numbers the restarted broker refuses forever (OutOfOrderSequenceException on every retry).
 */
class Publisher {
  private producer: Producer | null = null;
  private readonly kafka = new Kafka({ clientId: 'oms-fault-platform', brokers, logLevel: logLevel.NOTHING });

  async send(
    topicMessages: Array<{ topic: string; messages: Array<{ key: string | null; value: Buffer }> }>,
  ): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.producer.sendBatch({ acks: -1, topicMessages });
  }

  async renew(): Promise<void> {
    const old = this.producer;
    this.producer = null;
    await old?.disconnect().catch(() => undefined);
  }
}

async function publishPaced(
  producer: Publisher,
  items: StreamItem[],
  rate: number,
  inputs: InputLog,
  topics: RunTopics,
  log: ChaosLog,
  say: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  let sent = 0;
  let lastReport = started;
  while (sent < items.length) {
    // Whatever fell due while the broker was down goes out at once: the platform catches up too.
    const due = Math.min(items.length, Math.floor(((Date.now() - started) / 1000) * rate) + 1, sent + 500);
    if (due > sent) {
      await sendAcked(producer, items.slice(sent, due), inputs, topics, log);
      sent = due;
    }
    if (Date.now() - lastReport > 10_000) {
      say(`  published ${sent}/${items.length}`);
      lastReport = Date.now();
    }
    await sleep(100);
  }
}

/** SIGKILLs the service `kills` times at random moments spread over the stream (and after it, if needed). */
async function killLoop(
  supervisor: ServiceSupervisor,
  kills: number,
  expectedS: number,
  streaming: () => boolean,
): Promise<void> {
  const spacing = (expectedS * 1000) / Math.max(1, kills) - RESTART_S * 1000;
  while (supervisor.kills < kills) {
    const uptime = streaming()
      ? Math.max(2_500, spacing * (0.3 + Math.random() * 1.4))
      : 2_500 + Math.random() * 4_000;
    await sleep(uptime);
    await supervisor.killAndRestart();
  }
}

async function waitForProjection(databaseUrl: string, shipments: number): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (let i = 0; ; i++) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM shipment`);
      if ((rows[0]?.n ?? 0) >= shipments) return;
      if (i > 1_200)
        throw new Error(`only ${rows[0]?.n} of ${shipments} shipments projected after 10 minutes`);
      await sleep(500);
    }
  } finally {
    await db.end();
  }
}

/** Waits until inputs are all committed, no cancellation is open and the outbox is empty, three checks running. */
async function settle(
  databaseUrl: string,
  groupId: string,
  topics: RunTopics,
  supervisor: ServiceSupervisor,
  timeoutMs: number,
  log: ChaosLog,
  say: (line: string) => void,
): Promise<boolean> {
  const watcher = new GroupWatcher(groupId, [topics.orderCancelled, topics.shipmentPurchased]);
  await watcher.start();
  const started = Date.now();
  let quiet = 0;
  let lastReport = 0;
  try {
    while (Date.now() - started < timeoutMs) {
      if (supervisor.running.length < supervisor.instances) {
        log.note('service found dead while settling; starting it');
        await supervisor.start();
      }
      const state = await openWork(databaseUrl).catch(() => null);
      const lag = await watcher.lag().catch(() => -1);
      const idle = state !== null && lag === 0 && state.open === 0 && state.unpublished === 0;
      quiet = idle ? quiet + 1 : 0;
      if (quiet >= 3) {
        log.note('settled', `after ${Math.round((Date.now() - started) / 1000)} s`);
        return true;
      }
      if (Date.now() - lastReport > 5_000) {
        say(
          `  settling: input lag ${lag}, open cancellations ${state?.open ?? '?'}, unpublished outbox ${state?.unpublished ?? '?'}`,
        );
        lastReport = Date.now();
      }
      await sleep(1_000);
    }
    log.note('did not settle', `within ${timeoutMs / 1000} s`);
    return false;
  } finally {
    await watcher.stop().catch(() => undefined);
  }
}

async function openWork(databaseUrl: string): Promise<{ open: number; unpublished: number }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ open: number; unpublished: number }>(
      `SELECT (SELECT count(*)::int FROM shipment_cancellation WHERE completed_at IS NULL) AS open,
              (SELECT count(*)::int FROM outbox_event WHERE published_at IS NULL) AS unpublished`,
    );
    return rows[0] ?? { open: -1, unpublished: -1 };
  } finally {
    await db.end();
  }
}
