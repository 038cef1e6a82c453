// One hostile-input run against the real stack (the e2e spec and `npm run test:faults -- --fuzz N` share it):
// good orders (one shipment each) and hostile inputs published to the same partitions of both input topics,
// every hostile input right before a good order's message; then it checks that each good order was cancelled,
// each hostile input was dead-lettered once with its bytes (or processed, where the contract allows it), and
// that no partition stalled.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Partitioners, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { type DataFor, type EventType, EventTypes, createEvent } from '@oms/events';
import type { AppConfig } from '../../src/platform/config/config';
import { createDataSource } from '../../src/store/data-source';
import { JsonLogger } from '../../src/platform/logging/json-logger';
import { type RunningService, startService } from '../../src/service-runtime';
import { HostileChecks, type DeadLetterData, type SentInput } from './hostile-checks';
import {
  type Headers,
  type HostileInput,
  hostileHeaders,
  largePair,
  hostileInputs,
  namedCases,
  sizeOf,
} from './hostile-inputs';
import { TestKafka } from './kafka';
import { readTopics } from './kafka-topics';
import { Prng } from './prng';
import { SandboxProcess, type SandboxShipment } from './sandbox';
import { ServiceLog, StallWatch } from './service-watch';
import { deadLetterRows, inboxResults, inboxRows, outboxBacklog, projected } from './hostile-store';
import { orderCancelled, purchasedEvent } from './scenario';
import { testConfig } from './service';

export interface HostileRunOptions {
  seed: number;
  /** Hostile inputs, the three named cases included. */
  hostile: number;
  /** Good orders, one shipment each. */
  good: number;
  /** Pairs of ~400 KB dead letters sent together (see largePair), on top of `hostile`. */
  largePairs?: number;
  /** How long the service may take to reach every outcome, from the last publish. */
  settleTimeoutMs: number;
  say?: (line: string) => void;
}

export interface HostileReport {
  seed: number;
  partitions: number;
  /** The run's topics, for deleting them after a passing run. */
  topics: string[];
  counts: {
    hostileByCategory: Record<string, number>;
    deadLetterExpected: number;
    deadLettered: number;
    processedExpected: number;
    processed: number;
    goodOrders: number;
    goodWithHostileHeaders: number;
    outcomesReached: number;
    deadLetterKinds: Record<string, number>;
    truncatedRecords: number;
    maxStallSeconds: number;
    stallSamples: number;
    metricsScrapes: number;
    metricsScrapeFailures: number;
    maxHandlerAttempt: number;
  };
  named: Array<{ name: string; label: string; deadLettered: boolean; neighbour: string; cancelled: boolean }>;
  /** Seconds from the first publish until everything was checked. */
  durationS: number;
  setupS: number;
  problems: string[];
  /** The first of each kind of service warning and error, then the last 40 lines: for a failing run's report. */
  serviceLog: string[];
}

const SOURCE = '/oms/hostile-fuzz';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runHostile(options: HostileRunOptions): Promise<HostileReport> {
  const say = options.say ?? (() => undefined);
  const setupStarted = Date.now();
  const logs = new ServiceLog();
  const sandbox = await SandboxProcess.start({ SANDBOX_SEED_DEMO: 'false', SANDBOX_LOG_LEVEL: 'error' });
  let kafka: TestKafka | null = null;
  let db: DataSource | null = null;
  let service: RunningService | null = null;
  let producer: Producer | null = null;
  try {
    const config = testConfig(sandbox.url, { WORKER_POLL_INTERVAL_MS: '100', OUTBOX_POLL_INTERVAL_MS: '50' });
    kafka = new TestKafka(config);
    await kafka.start();
    db = await createDataSource(config.databaseUrl, { poolSize: 3 }).initialize();
    service = await startService(config, { logger: new JsonLogger('warn', (line) => logs.add(line)) });
    producer = kafka.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    const plan = planRun(options, config);
    say(
      `hostile run seed ${options.seed}: ${plan.hostile.length} hostile inputs, ${plan.good.length} good orders, ` +
        `${config.kafka.partitions} partitions per input topic`,
    );
    const seeded = await sandbox.seed(
      plan.good.map((orderId) => ({
        api: 'amazon-shipping-v2',
        orderId,
        sellerAccount: 'seller-1',
        businessId: 'AmazonShipping_US',
      })),
    );
    const setupS = (Date.now() - setupStarted) / 1000;
    const started = Date.now();
    const stalls = new StallWatch(`${service.url}/metrics`);
    stalls.start();
    const checks = new HostileChecks(plan.good, plan.hostile, plan.neighbour);
    try {
      const purchases = plan.stream('shipmentPurchased', (i) =>
        message(
          EventTypes.shipmentPurchased,
          purchasedEvent(plan.good[i] as string, 0, seeded[i] as SandboxShipment),
        ),
      );
      checks.sent.push(...(await publish(producer, config.topics.shipmentPurchased, purchases)));
      say(`  published ${purchases.length} messages to the ShipmentPurchased topic`);
      if (!(await waitUntil(() => projected(db as DataSource, plan.good), options.settleTimeoutMs)))
        checks.problem(`not every good order's shipment was projected within ${options.settleTimeoutMs} ms`);

      const cancels = plan.stream('orderCancelled', (i) => ({
        ...message(EventTypes.orderCancelled, orderCancelled(plan.good[i] as string)),
        headers: plan.goodHeaders[i] ?? {},
      }));
      checks.sent.push(...(await publish(producer, config.topics.orderCancelled, cancels)));
      say(`  published ${cancels.length} messages to the OrderCancelled topic; waiting for the outcomes`);

      const dlq = () =>
        (kafka as TestKafka).received
          .filter((r) => r.topic === config.topics.deadLetter)
          .map((r) => ({ id: r.event.id, data: r.event.data as unknown as DeadLetterData }));
      const outcomes = () =>
        (kafka as TestKafka).received.filter((r) => r.topic !== config.topics.deadLetter);
      let lastQuery = 0;
      let processed = new Map<string, string>();
      const settled = await waitUntil(async () => {
        if (Date.now() - lastQuery > 1_000) {
          processed = await inboxResults(db as DataSource, checks.expectedProcessedIds());
          lastQuery = Date.now();
        }
        return checks.done(dlq(), outcomes(), processed);
      }, options.settleTimeoutMs);
      if (!settled)
        checks.problem(`the run did not settle within ${options.settleTimeoutMs} ms of the last publish`);
      // Anything that would come twice comes now.
      await sleep(1_500);
      await stalls.stop();

      // kafkajs reads back about 2 MB/s of large messages here: a minute, plus a second per MB sent.
      const sentBytes = checks.sent.reduce((n, s) => n + sizeOf(s), 0);
      await readTopics(
        [config.topics.orderCancelled, config.topics.shipmentPurchased],
        60_000 + Math.round(sentBytes / 1_000),
      ).then(
        (records) => checks.verifyInputs(records),
        (error: Error) => checks.problem(`reading the input topics back failed: ${error.message}`),
      );
      checks.verifyOutputs(dlq(), outcomes());
      checks.verifyStore(
        await deadLetterRows(db, config.kafka.groupId),
        await inboxRows(db, [config.topics.orderCancelled, config.topics.shipmentPurchased]),
        await inboxResults(db, checks.expectedProcessedIds()),
      );
      const backlog = await outboxBacklog(db);
      if (backlog.unpublished > 0)
        checks.problem(
          `${backlog.unpublished} output events were written but never published; the oldest: ` +
            JSON.stringify(backlog.oldest),
        );
      if (stalls.samples === 0) checks.problem('oms_partition_stalled_seconds never appeared in /metrics');
      if (stalls.max >= 60) checks.problem(`a partition stalled ${stalls.max} s (limit: under 60 s)`);
      if (stalls.failures * 2 > stalls.scrapes)
        checks.problem(
          `${stalls.failures} of ${stalls.scrapes} scrapes of /metrics failed: ${stalls.lastError}`,
        );
      if (logs.maxAttempt > 5) checks.problem(`a batch was attempted ${logs.maxAttempt} times (limit: 5)`);
      for (const line of logs.alarms) checks.problem(`service: ${line}`);

      return {
        seed: options.seed,
        partitions: config.kafka.partitions,
        topics: Object.values(config.topics),
        counts: {
          ...checks.counts(),
          goodWithHostileHeaders: plan.goodHeaders.filter((h) => Object.keys(h).length > 0).length,
          maxStallSeconds: stalls.max,
          stallSamples: stalls.samples,
          metricsScrapes: stalls.scrapes,
          metricsScrapeFailures: stalls.failures,
          maxHandlerAttempt: logs.maxAttempt,
        },
        named: checks.named(),
        durationS: (Date.now() - started) / 1000,
        setupS,
        problems: checks.problems,
        serviceLog: logs.summary(40),
      };
    } finally {
      await stalls.stop();
    }
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await service?.stop().catch((e: Error) => say(`service stop failed: ${e.message}`));
    await kafka?.stop().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    await sandbox.stop();
  }
}

/** A message of one input topic, not yet placed: what `publish` sends. */
export interface Outgoing {
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  partition: number;
  /** Index into the hostile inputs, or the good order's id. */
  ref: { hostile: number } | { good: string };
  /** Goes in the same request as the message before it. */
  withPrevious?: boolean;
}

function message<K extends EventType>(
  type: K,
  data: DataFor<K>,
): Omit<Outgoing, 'key' | 'partition' | 'ref'> {
  return { value: Buffer.from(JSON.stringify(createEvent(type, data, { source: SOURCE }))), headers: {} };
}

/**
 * The run's inputs and where each goes: every hostile input sits right before one good order's message on its
 * topic, on that order's partition (the partition its key hashes to, as the platform's producer would choose).
 */
function planRun(options: HostileRunOptions, config: AppConfig) {
  const tag = randomUUID().slice(0, 6);
  const good = Array.from(
    { length: options.good },
    (_, i) => `hz${options.seed}-${tag}-${String(i).padStart(5, '0')}`,
  );
  const hostile: Array<HostileInput & { name?: string }> = [
    ...namedCases(),
    ...hostileInputs(options.seed, Math.max(0, options.hostile - 3)),
  ];
  const rng = new Prng(`hostile/${options.seed}`);
  const neighbour = hostile.map(() => rng.int(0, good.length - 1));
  // A pair is last among the inputs before its good order, so its two messages are adjacent.
  for (let p = 0; p < (options.largePairs ?? 0); p++) {
    const at = rng.int(0, good.length - 1);
    for (const input of largePair(p)) {
      hostile.push(input);
      neighbour.push(at);
    }
  }
  // About one good order in twenty carries hostile but legal headers: it must be cancelled all the same.
  const goodHeaders = fc.sample(
    fc.oneof(
      { weight: 19, arbitrary: fc.constant<Headers>({}) },
      { weight: 1, arbitrary: hostileHeaders.map(([, headers]) => headers) },
    ),
    { seed: options.seed + 1, numRuns: good.length },
  );
  const partitionOf = partitioner(config.kafka.partitions);
  const goodPartition = good.map((orderId) => partitionOf(Buffer.from(orderId)));
  return {
    good,
    hostile,
    neighbour,
    goodHeaders,
    stream(
      topic: HostileInput['topic'],
      goodMessage: (i: number) => Omit<Outgoing, 'key' | 'partition' | 'ref'>,
    ): Outgoing[] {
      const before = new Map<number, number[]>();
      hostile.forEach((h, j) => {
        if (h.topic !== topic) return;
        const at = neighbour[j] as number;
        before.set(at, [...(before.get(at) ?? []), j]);
      });
      const out: Outgoing[] = [];
      good.forEach((orderId, i) => {
        const partition = goodPartition[i] as number;
        for (const j of before.get(i) ?? []) {
          const h = hostile[j] as HostileInput;
          const key =
            h.key.kind === 'neighbour' ? Buffer.from(orderId) : h.key.kind === 'own' ? h.key.bytes : null;
          const { value, headers, withPrevious } = h;
          out.push({
            key,
            value,
            headers,
            partition,
            ref: { hostile: j },
            ...(withPrevious ? { withPrevious } : {}),
          });
        }
        out.push({ ...goodMessage(i), key: Buffer.from(orderId), partition, ref: { good: orderId } });
      });
      return out;
    },
  };
}

/** The partition kafkajs's default partitioner gives a key, for a topic of `count` partitions. */
function partitioner(count: number): (key: Buffer) => number {
  const choose = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return (key) => choose({ topic: 'any', partitionMetadata, message: { key, value: null } });
}

/**
 * Sends in stream order, in requests of up to 200 messages and 900 KB (the broker takes 1 MiB per partition's
 * batch); a message over 256 KB starts a request of its own unless it must go with the one before. Returns
 * each message's offset.
 */
async function publish(producer: Producer, topic: string, messages: Outgoing[]): Promise<SentInput[]> {
  const sent: SentInput[] = [];
  let chunk: Outgoing[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const metadata = await producer.send({
      topic,
      acks: -1,
      messages: chunk.map((m) => ({
        key: m.key,
        value: m.value,
        headers: m.headers,
        partition: m.partition,
      })),
    });
    const next = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
    for (const m of chunk) {
      const offset = next.get(m.partition);
      if (offset === undefined) throw new Error(`no offset came back for ${topic}/${m.partition}`);
      next.set(m.partition, offset + 1n);
      sent.push({ ...m, topic, offset: offset.toString() });
    }
    chunk = [];
    bytes = 0;
  };
  for (const m of messages) {
    const size = sizeOf(m) + (m.key?.length ?? 0);
    const full = bytes + size > 900 * 1024 || size > 256 * 1024 || chunk.length >= 200;
    if (chunk.length > 0 && full && !m.withPrevious) await flush();
    chunk.push(m);
    bytes += size;
  }
  await flush();
  return sent;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return true;
    await sleep(250);
  }
  return false;
}
