// One scenario against one system: seed the sandbox, project the shipments, publish the OrderCancelled backlog
// and measure its drain, then (scenario a) a steady 200 orders/s phase for latency.
import { type Producer, Kafka, logLevel } from 'kafkajs';
import type { SandboxProcess } from '../test/support/sandbox';
import {
  type ServiceRuntime,
  brokers,
  createTopics,
  deleteTopics,
  outputTopics,
  runTopics,
} from '../test/support/stack';
import { checkpoint } from '../test/support/database';
import { GroupWatcher } from '../test/support/kafka-topics';
import {
  type CpuUse,
  OutputCollector,
  Progress,
  Sampler,
  cpuSnapshot,
  cpuUse,
  percentiles,
} from './bench-measure';
import { type SystemId, startSystem, waitForProjection } from './bench-systems';
import {
  type BenchOrder,
  UNLIMITED,
  type Workload,
  allOrders,
  cancelledMessage,
  purchasedMessage,
  sandboxSeed,
} from './bench-workload';

export interface BenchOptions {
  runId: string;
  logDir: string;
  partitions: number;
  steadyRate: number;
  /** Time budget of the naive baseline per phase: one message at a time, it may need hours otherwise. */
  naiveMaxSeconds: number;
  maxSeconds: number;
  serviceEnv: Record<string, string>;
  runtime: ServiceRuntime;
}

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
}

export interface SystemResult {
  system: SystemId;
  orders: number;
  completed: number;
  timedOut: boolean;
  projectionS: number | null;
  drainS: number;
  ordersPerSecond: number;
  drainLatencyMs: Latency;
  /** CPU during the backlog: the machine's (every process on it), by role (the system's own process first). */
  drainCpu: CpuUse | null;
  steady: {
    orders: number;
    completed: number;
    inputRate: number;
    latencyMs: Latency;
    timedOut: boolean;
  } | null;
  carrier: {
    calls: number;
    perSecond: number;
    windowS: number;
    limitPerSecond: number | null;
    ofLimit: number | null;
  };
  throttled: { count: number; ofCalls: number };
  failed: Record<string, number>;
  peakRssMb: number;
  outputMessages: number;
}

const CHUNK = 500;
// The broker removes a deleted topic's files a minute later (log.segment.delete.delay.ms): let the previous
// system's go before this one is measured.
export const SETTLE_MS = 65_000;
// A system that completes nothing for this long is stuck; waiting out the whole budget would teach nothing.
const STALL_MS = 90_000;

export async function runSystem(
  system: SystemId,
  workload: Workload,
  sandbox: SandboxProcess,
  options: BenchOptions,
): Promise<SystemResult> {
  const { scenario } = workload;
  const label = `${scenario.id} · ${system}`;
  await prepareSandbox(sandbox, workload);
  // Start every system from the same place: the previous run's dirty pages flushed, its topics gone.
  if (!(await checkpoint()))
    console.log(`  ${label}: CHECKPOINT not allowed for this user; measuring anyway`);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const topics = runTopics(`bench.${options.runId}.${scenario.id}.${system}`);
  await createTopics(Object.values(topics), options.partitions);

  const sut = await startSystem(system, {
    scenario,
    topics,
    carrierUrl: sandbox.url,
    partitions: options.partitions,
    logDir: options.logDir,
    serviceEnv: options.serviceEnv,
    runtime: options.runtime,
  });
  const expected = new Map<string, number>();
  for (const order of allOrders(workload)) {
    const n = system === 'passthrough' ? 1 : order.shipments.length + (order.shipments.length > 1 ? 1 : 0);
    if (n > 0) expected.set(order.orderId, n);
  }
  const collector = new OutputCollector(
    system === 'passthrough' ? [topics.shipmentCancelled] : outputTopics(topics),
    expected,
  );
  const watcher = new GroupWatcher(sut.groupId, [topics.orderCancelled]);
  const producer = new Kafka({
    clientId: 'oms-bench-producer',
    brokers,
    logLevel: logLevel.NOTHING,
  }).producer({ allowAutoTopicCreation: false });
  const sampler = new Sampler(sandbox, sut.app.pid);
  const budgetMs = (system === 'naive' ? options.naiveMaxSeconds : options.maxSeconds) * 1000;
  try {
    await Promise.all([collector.start(), watcher.start(), producer.connect()]);
    sampler.start();

    let projectionS: number | null = null;
    if (system !== 'passthrough') {
      const shipments = allOrders(workload).flatMap((o) => o.shipments.map((s) => purchasedMessage(o, s)));
      await sendAll(producer, topics.shipmentPurchased, shipments);
      console.log(
        `  ${label}: ${shipments.length.toLocaleString('en')} ShipmentPurchased published, waiting for the projection`,
      );
      projectionS = (await waitForProjection(sut, shipments.length, Math.max(budgetMs, 120_000))) / 1000;
      console.log(`  ${label}: projected in ${projectionS.toFixed(1)} s`);
    }

    const pids = { system: [sut.app.pid], sandbox: sandbox.pid };
    const cpuBefore = cpuSnapshot(pids);
    const drain = await runPhase(`${label} · backlog`, workload.drain, {
      producer,
      topic: topics.orderCancelled,
      collector,
      watcher,
      sut,
      budgetMs,
      rate: null,
    });
    const drainCpu = cpuUse(cpuBefore, cpuSnapshot(pids));
    const afterDrain = await sampler.sample();
    const sampled = sampler.cancelRate();
    // A drain shorter than a few samples says little per window: then it is calls over the whole drain.
    const carrier =
      sampled.windowS >= 3
        ? sampled
        : { ...sampled, perSecond: afterDrain.cancels / drain.durationS, windowS: drain.durationS };

    let steady: SystemResult['steady'] = null;
    if (scenario.steady && workload.steady.length > 0 && !drain.timedOut) {
      const phase = await runPhase(`${label} · steady ${options.steadyRate}/s`, workload.steady, {
        producer,
        topic: topics.orderCancelled,
        collector,
        watcher,
        sut,
        budgetMs: Math.max(budgetMs, (workload.steady.length / options.steadyRate) * 1000 + 60_000),
        rate: options.steadyRate,
      });
      steady = {
        orders: workload.steady.length,
        completed: phase.completed,
        inputRate: phase.inputRate,
        latencyMs: phase.latency,
        timedOut: phase.timedOut,
      };
    }
    sampler.stop();
    const limit = scenario.limit?.ratePerSecond ?? null;
    return {
      system,
      orders: workload.drain.length,
      completed: drain.completed,
      timedOut: drain.timedOut,
      projectionS,
      drainS: drain.durationS,
      ordersPerSecond: drain.completed / drain.durationS,
      drainLatencyMs: drain.latency,
      drainCpu,
      steady,
      carrier: { ...carrier, limitPerSecond: limit, ofLimit: limit ? carrier.perSecond / limit : null },
      throttled: {
        count: afterDrain.throttled,
        ofCalls: afterDrain.cancels > 0 ? afterDrain.throttled / afterDrain.cancels : 0,
      },
      failed: Object.fromEntries(collector.failures),
      peakRssMb: sampler.peakRssMb(),
      outputMessages: collector.messages,
    };
  } finally {
    sampler.stop();
    await producer.disconnect().catch(() => undefined);
    await collector.stop().catch(() => undefined);
    await watcher.stop().catch(() => undefined);
    await sut.stop().catch(() => undefined);
    // Thousands of leftover partitions slow the broker down for every later run on this machine.
    await deleteTopics(Object.values(topics)).catch((error: Error) =>
      console.log(`  ${label}: could not delete the run's topics: ${error.message}`),
    );
  }
}

async function prepareSandbox(sandbox: SandboxProcess, workload: Workload): Promise<void> {
  const { scenario } = workload;
  await sandbox.control('POST', 'reset', { seedDemo: false });
  await sandbox.setRateLimits({ [scenario.api]: scenario.limit ?? UNLIMITED });
  if (scenario.latencyMs > 0)
    await sandbox.setFaults({ seed: 7, apis: [scenario.api], latency: { fixedMs: scenario.latencyMs } });
  const seeds = allOrders(workload).flatMap((o) => o.shipments.map((s) => sandboxSeed(o, s)));
  for (let i = 0; i < seeds.length; i += 10_000)
    await sandbox.control('POST', 'shipments', seeds.slice(i, i + 10_000));
}

export async function sendAll(
  producer: Producer,
  topic: string,
  messages: Array<{ key: string; value: string }>,
): Promise<void> {
  for (let i = 0; i < messages.length; i += CHUNK) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + CHUNK) });
  }
}

export interface PhaseContext {
  producer: Producer;
  topic: string;
  collector: OutputCollector;
  watcher: GroupWatcher;
  /** Alive while any of its processes is (a fleet of instances counts as one system). */
  sut: { id: SystemId; app: { alive: boolean } };
  budgetMs: number;
  /** Orders per second, or null to publish the whole backlog at once. */
  rate: number | null;
  /** No completion for this long stops the phase (default STALL_MS). */
  stallMs?: number;
}

/** Publishes the orders and waits until each has its terminal outputs (or, with none expected, is committed). */
export async function runPhase(
  label: string,
  orders: BenchOrder[],
  ctx: PhaseContext,
): Promise<{
  completed: number;
  durationS: number;
  latency: Latency;
  inputRate: number;
  timedOut: boolean;
  /** When the first order was published (ms). */
  startedAt: number;
}> {
  const inputAt = new Map<string, number>();
  const started = Date.now();
  const publishing = publish(orders, ctx, inputAt);
  const withOutputs = orders.filter((o) => o.shipments.length > 0 || ctx.sut.id === 'passthrough');
  const silent = orders.length - withOutputs.length;
  const progress = new Progress(label, orders.length, started);
  let lagZeroAt: number | null = null;
  let timedOut = false;
  let published = false;
  let [progressed, lastProgressAt] = [0, Date.now()];
  void publishing.then(() => {
    published = true;
    console.log(
      `  ${label}: all ${orders.length.toLocaleString('en')} published in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const outputsDone = withOutputs.filter((o) => ctx.collector.doneAt(o.orderId) !== undefined).length;
    if (published && lagZeroAt === null && (await ctx.watcher.lag().catch(() => 1)) === 0)
      lagZeroAt = Date.now();
    const done = outputsDone + (lagZeroAt !== null ? silent : 0);
    progress.tick(done);
    if (done >= orders.length) break;
    if (done > progressed) [progressed, lastProgressAt] = [done, Date.now()];
    const stallMs = ctx.stallMs ?? STALL_MS;
    const stalled = published && Date.now() - lastProgressAt > stallMs;
    if (Date.now() - started > ctx.budgetMs || !ctx.sut.app.alive || stalled) {
      timedOut = true;
      const why = !ctx.sut.app.alive
        ? ' (the process exited)'
        : stalled
          ? ` (no progress for ${stallMs / 1000} s)`
          : '';
      console.log(
        `  ${label}: stopped after ${Math.round((Date.now() - started) / 1000)} s with ${done}/${orders.length} done${why}`,
      );
      break;
    }
  }
  await publishing;
  const inputs = [...inputAt.values()];
  const firstInput = inputs.reduce((a, b) => Math.min(a, b), Infinity);
  const lastInput = inputs.reduce((a, b) => Math.max(a, b), 0);
  const doneTimes = withOutputs
    .map((o) => ctx.collector.doneAt(o.orderId))
    .filter((t): t is number => t !== undefined);
  const completed = doneTimes.length + (lagZeroAt !== null ? silent : 0);
  const lastDone = doneTimes.reduce(
    (a, b) => Math.max(a, b),
    silent > 0 && lagZeroAt !== null ? lagZeroAt : 0,
  );
  const end = timedOut ? Date.now() : lastDone;
  const latencies = withOutputs.flatMap((o) => {
    const at = ctx.collector.doneAt(o.orderId);
    const input = inputAt.get(o.orderId);
    return at !== undefined && input !== undefined ? [at - input] : [];
  });
  const inputRate = orders.length / Math.max(0.001, (lastInput - firstInput) / 1000);
  return {
    completed,
    durationS: Math.max(0.001, (end - firstInput) / 1000),
    latency: percentiles(latencies),
    inputRate,
    timedOut,
    startedAt: firstInput,
  };
}

async function publish(orders: BenchOrder[], ctx: PhaseContext, inputAt: Map<string, number>): Promise<void> {
  const send = async (batch: BenchOrder[]) => {
    const timestamp = Date.now();
    for (const order of batch) inputAt.set(order.orderId, timestamp);
    // The message timestamp (CreateTime) is what latency is measured from.
    await ctx.producer.send({
      topic: ctx.topic,
      acks: -1,
      messages: batch.map((o) => ({ ...cancelledMessage(o), timestamp: String(timestamp) })),
    });
  };
  if (ctx.rate === null) {
    for (let i = 0; i < orders.length; i += CHUNK) await send(orders.slice(i, i + CHUNK));
    return;
  }
  // Paced: every tick sends what is due by now, so a slow send is caught up rather than lowering the rate.
  const started = Date.now();
  let sent = 0;
  while (sent < orders.length) {
    const due = Math.min(orders.length, Math.floor(((Date.now() - started) / 1000) * ctx.rate) + 1);
    if (due > sent) {
      await send(orders.slice(sent, due));
      sent = due;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
