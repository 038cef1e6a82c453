// One of scenarios d–f against our service: seed the sandbox with every phase's shipments and the sellers'
// quotas, start the fleet, project the shipments, then drain each phase's backlog in turn, killing or adding
// an instance mid-drain where the phase says so.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { checkpoint } from '../test/support/database';
import { GroupWatcher } from '../test/support/kafka-topics';
import { waitFor } from '../test/support/ports';
import type { OverLimitEvent, SandboxProcess } from '../test/support/sandbox';
import {
  brokers,
  createTopics,
  deleteTopics,
  freshDatabase,
  outputTopics,
  runTopics,
} from '../test/support/stack';
import type { CpuRole } from './bench-measure';
import { OutputCollector } from './bench-measure';
import { type BenchOptions, type Latency, SETTLE_MS, runPhase, sendAll } from './bench-runner';
import { purchasedMessage, sandboxSeed } from './bench-workload';
import { Fleet } from './fleet';
import { type ServiceCounts, countsDelta, readServiceCounts } from './service-metrics';
import {
  CarrierClock,
  CpuWatch,
  type SellerUse,
  firstTimeAtRate,
  longestGapMs,
  median,
  readTally,
  sellerUse,
  shortfallOf,
  type Shortfall,
  tallyDelta,
} from './fleet-measure';
import {
  type FleetPhase,
  type FleetScenario,
  type FleetScenarioId,
  FLEET_SCENARIOS,
  buildFleetOrders,
  minimumDrainS,
} from './fleet-workload';

export interface FleetPhaseResult {
  name: string;
  api: string;
  /** Instances at the start and, after a kill or a join, at the end. */
  instances: { start: number; end: number };
  orders: number;
  completed: number;
  timedOut: boolean;
  drainS: number;
  /** From the first order published to the carrier's last accepted cancel (or the last final event if earlier). */
  carrierDrainS: number;
  /** The shortest drain the quotas allow (0: none binds). */
  minimumS: number;
  /** minimumS / carrierDrainS, when a quota binds. */
  quotaUse: number | null;
  ordersPerSecond: number;
  latencyMs: Latency;
  carrier: { cancelCalls: number; perSecond: number; throttled: number };
  /**
   * Requests over the (operation, seller) limit as the sandbox counts them, those of them short of fitting by no
   * more than the sandbox's own lag (as the fault suite's checker counts them), and the sandbox's story of each;
   * null: it does not count them.
   */
  overLimit: {
    total: number;
    withinStall: number;
    byBucket: Record<string, number>;
    events: OverLimitEvent[];
  } | null;
  cpuMsPerOrder: Record<CpuRole, number> | null;
  event: {
    kind: 'kill' | 'join';
    /** Seconds after the first order was published: the SIGKILL, or the new instance answering ready. */
    atS: number;
    /** After a kill: seconds until a sliding window of completions is back at ≥ 95 % of the rate. */
    backAtS: number | null;
    windowS: number;
    /** After the event: the longest time without a completion (leases waiting to expire show here). */
    longestGapS: number;
  } | null;
  /**
   * Per seller with more orders than its burst, its quota's minimum ÷ the time to its last cancel request at the
   * carrier (as the sandbox stamped its arrival), as `quotaUse` measures a phase.
   */
  sellers: SellerSummary | null;
  /** The same to each seller's last final event: the pipeline's latency after the carrier counts too. */
  sellersEndToEnd: SellerSummary | null;
  /** As `sellers`, each seller timed from its own first request at the carrier: its pace, the start aside. */
  sellersPaced: SellerSummary | null;
  /** How many requests the sellers beyond their burst had sent 1 s and 2 s after the first input. */
  startRamp: StartRamp[];
  /** Seconds from the first input to each seller's first request at the carrier: min, median, max. */
  firstRequestS: { min: number; median: number; max: number } | null;
  /** Where the time beyond its minimum went, for each of the sellers lowest in `sellers`. */
  shortfalls: Shortfall[];
  /** The instances' own counters over the phase (those alive at its end). */
  service: ServiceCounts;
}

export interface SellerSummary {
  count: number;
  min: number;
  median: number;
  lowest: SellerUse[];
}

/**
 * Requests sent by `afterS` after the first input, burst included, per seller with more orders than its burst
 * (min and median), and what its burst and rate allowed by then.
 */
export interface StartRamp {
  afterS: number;
  min: number;
  median: number;
  allowed: number;
}

/** Where the sellers with more orders than their burst stood 1 s and 2 s into the phase. */
function rampOf(
  orders: Array<{ sellerAccount?: string }>,
  limit: { ratePerSecond: number; burst: number },
  sentBy: (sellerAccount: string, afterMs: number) => number,
): StartRamp[] {
  const counts = new Map<string, number>();
  for (const o of orders) counts.set(o.sellerAccount ?? '', (counts.get(o.sellerAccount ?? '') ?? 0) + 1);
  const deep = [...counts.entries()].filter(([, n]) => n > limit.burst).map(([seller]) => seller);
  if (deep.length === 0) return [];
  return [1, 2].map((afterS) => {
    const sent = deep.map((seller) => sentBy(seller, afterS * 1000));
    return {
      afterS,
      min: Math.min(...sent),
      median: median(sent),
      allowed: limit.burst + limit.ratePerSecond * afterS,
    };
  });
}

function summarise(uses: SellerUse[]): SellerSummary | null {
  const sorted = [...uses].sort((a, b) => a.utilisation - b.utilisation);
  if (sorted.length === 0) return null;
  return {
    count: sorted.length,
    min: sorted[0]?.utilisation ?? 0,
    median: median(sorted.map((u) => u.utilisation)),
    lowest: sorted.slice(0, 3),
  };
}

export interface FleetScenarioResult {
  kind: 'fleet';
  scenario: FleetScenario;
  orders: number;
  phases: FleetPhaseResult[];
}

// Between phases: every instance's heartbeat seen by the others, every bucket full again.
const PHASE_GAP_MS = 7_000;
const RECOVERY_WINDOW_MS = 2_000;
// A dead instance's leases run WORKER_LEASE_MS (120 s by default): a phase waits that out rather than stop.
const FLEET_STALL_MS = 180_000;

export async function runFleetScenario(
  id: FleetScenarioId,
  orders: number,
  seed: string,
  sandbox: SandboxProcess,
  options: BenchOptions,
): Promise<FleetScenarioResult> {
  const scenario = FLEET_SCENARIOS[id].build(orders);
  const phaseOrders = buildFleetOrders(scenario, seed);
  const all = phaseOrders.flat();
  const label = `${scenario.id} · ours`;

  await sandbox.control('POST', 'reset', { seedDemo: false });
  await sandbox.setRateLimits(scenario.limits);
  if (scenario.latencyMs > 0)
    await sandbox.setFaults({
      seed: 7,
      apis: Object.keys(scenario.limits),
      latency: { fixedMs: scenario.latencyMs },
    });
  const seeds = all.flatMap((o) => o.shipments.map((s) => sandboxSeed(o, s)));
  for (let i = 0; i < seeds.length; i += 10_000)
    await sandbox.control('POST', 'shipments', seeds.slice(i, i + 10_000));
  if (!(await checkpoint()))
    console.log(`  ${label}: CHECKPOINT not allowed for this user; measuring anyway`);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  const topics = runTopics(`bench.${options.runId}.${scenario.id}.ours`);
  await createTopics(Object.values(topics), options.partitions);
  const groupId = `bench-ours-${options.runId}-${scenario.id}`;
  const fleet = new Fleet({
    scenario,
    databaseUrl: await freshDatabase('oms_cancellation_bench'),
    topics,
    groupId,
    carrierUrl: sandbox.url,
    partitions: options.partitions,
    logDir: options.logDir,
    serviceEnv: options.serviceEnv,
    runtime: options.runtime,
  });
  const collector = new OutputCollector(outputTopics(topics), new Map(all.map((o) => [o.orderId, 1])));
  const watcher = new GroupWatcher(groupId, [topics.orderCancelled]);
  const producer = new Kafka({
    clientId: 'oms-bench-producer',
    brokers,
    logLevel: logLevel.NOTHING,
  }).producer({
    allowAutoTopicCreation: false,
  });
  try {
    await fleet.connect();
    await fleet.resize(scenario.phases[0]?.instances ?? 1);
    await Promise.all([collector.start(), watcher.start(), producer.connect()]);
    const purchased = all.flatMap((o) => o.shipments.map((s) => purchasedMessage(o, s)));
    await sendAll(producer, topics.shipmentPurchased, purchased);
    await waitFor(
      `${purchased.length} shipments projected`,
      async () => ((await fleet.projected()) >= purchased.length ? true : undefined),
      Math.max(options.maxSeconds * 1000, 120_000),
    );
    console.log(`  ${label}: ${purchased.length.toLocaleString('en')} shipments projected`);

    const phases: FleetPhaseResult[] = [];
    for (const [i, phase] of scenario.phases.entries()) {
      await fleet.resize(phase.instances);
      // A phase measured while the group still rebalances would count the rebalance against the sellers.
      await watcher.untilStable(phase.instances);
      await new Promise((resolve) => setTimeout(resolve, PHASE_GAP_MS));
      const ordersOfPhase = phaseOrders[i] ?? [];
      const result = await runFleetPhase(phase, ordersOfPhase, {
        label: `${label} · ${phase.name}`,
        scenario,
        fleet,
        sandbox,
        collector,
        watcher,
        producer,
        topic: topics.orderCancelled,
        budgetMs: options.maxSeconds * 1000,
        timelineFile: path.join(options.logDir, `${scenario.id}-phase-${i + 1}-timeline.json`),
      });
      phases.push(result);
      if (result.timedOut) {
        console.log(`  ${label}: ${phase.name} did not complete; later phases skipped`);
        break;
      }
    }
    return { kind: 'fleet', scenario, orders, phases };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await collector.stop().catch(() => undefined);
    await watcher.stop().catch(() => undefined);
    await fleet.stop();
    await deleteTopics(Object.values(topics)).catch((error: Error) =>
      console.log(`  ${label}: could not delete the run's topics: ${error.message}`),
    );
  }
}

interface PhaseRun {
  label: string;
  scenario: FleetScenario;
  fleet: Fleet;
  sandbox: SandboxProcess;
  collector: OutputCollector;
  watcher: GroupWatcher;
  producer: ReturnType<Kafka['producer']>;
  topic: string;
  budgetMs: number;
  /** Where the phase's per-seller request timeline is written (many-seller phases). */
  timelineFile: string;
}

async function runFleetPhase(
  phase: FleetPhase,
  orders: ReturnType<typeof buildFleetOrders>[number],
  run: PhaseRun,
): Promise<FleetPhaseResult> {
  const { fleet, sandbox } = run;
  const limit = run.scenario.limits[phase.api];
  if (!limit) throw new Error(`scenario ${run.scenario.id} has no limit for ${phase.api}`);
  const startInstances = fleet.live.length;
  const before = await readTally(sandbox);
  const countsBefore = await readServiceCounts(fleet.live);
  const cpu = new CpuWatch(() => ({ system: fleet.pids, sandbox: sandbox.pid }));
  const carrierClock = new CarrierClock(sandbox);
  cpu.start();
  carrierClock.start();
  const publishedAt = Date.now();
  // Set from the timer's callback, which the compiler's narrowing does not follow: a holder, not a let.
  const happened: { at: number | null } = { at: null };
  let eventDone: Promise<void> = Promise.resolve();
  const timer = phase.event
    ? setTimeout(
        () => {
          const event = phase.event;
          eventDone =
            event?.kind === 'kill'
              ? fleet.kill().then((pid) => {
                  happened.at = Date.now();
                  console.log(`  ${run.label}: SIGKILLed instance ${pid}`);
                })
              : fleet.start().then((app) => {
                  happened.at = Date.now();
                  console.log(`  ${run.label}: instance ${app.pid} joined (ready)`);
                });
          eventDone = eventDone.catch((error: Error) => console.log(`  ${run.label}: ${error.message}`));
        },
        Math.max(1, phase.event.atShareOfMinimum * minimumDrainS(phase, limit)) * 1000,
      )
    : null;
  const drain = await runPhase(run.label, orders, {
    producer: run.producer,
    topic: run.topic,
    collector: run.collector,
    watcher: run.watcher,
    sut: fleet.asSystem,
    budgetMs: run.budgetMs,
    rate: null,
    stallMs: FLEET_STALL_MS,
  });
  if (timer) clearTimeout(timer);
  await eventDone;
  const cpuMsPerOrder = cpu.stop(drain.completed);
  const lastCancelAt = await carrierClock.stop();
  const tally = tallyDelta(before, await readTally(sandbox));
  const service = countsDelta(countsBefore, await readServiceCounts(fleet.live));

  const doneTimes = orders
    .map((o) => run.collector.doneAt(o.orderId))
    .filter((t): t is number => t !== undefined);
  const minimumS = minimumDrainS(phase, limit);
  const started = Math.min(drain.startedAt, publishedAt);
  let event: FleetPhaseResult['event'] = null;
  const at = happened.at;
  if (phase.event && at !== null) {
    const back =
      phase.event.kind === 'kill'
        ? firstTimeAtRate(doneTimes, at + RECOVERY_WINDOW_MS, 0.95 * limit.ratePerSecond, RECOVERY_WINDOW_MS)
        : null;
    event = {
      kind: phase.event.kind,
      atS: (at - started) / 1000,
      backAtS: back === null ? null : (back - at) / 1000,
      windowS: RECOVERY_WINDOW_MS / 1000,
      longestGapS: longestGapMs(doneTimes, at) / 1000,
    };
  }
  let sellers: SellerSummary | null = null;
  let sellersEndToEnd: SellerSummary | null = null;
  let startRamp: StartRamp[] = [];
  let firstRequestS: FleetPhaseResult['firstRequestS'] = null;
  let sellersPaced: SellerSummary | null = null;
  let shortfalls: Shortfall[] = [];
  if (phase.sellers.length > 1) {
    const done = orders.map((o) => ({
      sellerAccount: o.sellerAccount ?? '',
      doneAt: run.collector.doneAt(o.orderId),
    }));
    sellersEndToEnd = summarise(sellerUse(done, started, limit));
    // A seller's last final event comes after its last request, which the sandbox's arrival time bounds too.
    const atCarrier = done.map((o) => {
      const last = carrierClock.lastRequestAt(o.sellerAccount);
      return { ...o, doneAt: o.doneAt === undefined || last === null ? o.doneAt : Math.min(o.doneAt, last) };
    });
    sellers = summarise(sellerUse(atCarrier, started, limit));
    // The same from each seller's own first request at the carrier: its pace once started, the start aside.
    sellersPaced = summarise(
      sellerUse(atCarrier, (seller) => carrierClock.firstRequestAt(seller) ?? started, limit),
    );
    const firsts = [...new Set(done.map((o) => o.sellerAccount))]
      .map((seller) => carrierClock.firstRequestAt(seller))
      .filter((at): at is number => at !== null)
      .map((at) => (at - started) / 1000);
    if (firsts.length > 0)
      firstRequestS = { min: Math.min(...firsts), median: median(firsts), max: Math.max(...firsts) };
    shortfalls = (sellers?.lowest ?? []).flatMap((use) => {
      const shortfall = shortfallOf(use, {
        startedAt: started,
        firstRequestAt: carrierClock.firstRequestAt(use.sellerAccount),
        bucket: carrierClock.bucketUse(use.sellerAccount),
        ratePerSecond: limit.ratePerSecond,
      });
      return shortfall ? [shortfall] : [];
    });
    const sellerIds = [...new Set(done.map((o) => o.sellerAccount))].sort();
    writeFileSync(run.timelineFile, JSON.stringify(carrierClock.timeline(started, sellerIds)));
    startRamp = rampOf(
      orders,
      limit,
      (seller, afterMs) =>
        carrierClock.requestsBy(seller, started + afterMs) - carrierClock.requestsBy(seller, started),
    );
  }
  // Both bound the carrier's drain from above: the last final event comes after the last cancel (for MFN a
  // refund follow-up later), and the sampled clock sees the last cancel up to one poll late.
  const carrierDrainS = Math.max(
    0.001,
    Math.min(drain.durationS, lastCancelAt === null ? Infinity : (lastCancelAt - started) / 1000),
  );
  return {
    name: phase.name,
    api: phase.api,
    instances: { start: startInstances, end: fleet.live.length },
    orders: orders.length,
    completed: drain.completed,
    timedOut: drain.timedOut,
    drainS: drain.durationS,
    minimumS,
    carrierDrainS,
    quotaUse: minimumS > 0 ? minimumS / carrierDrainS : null,
    ordersPerSecond: drain.completed / drain.durationS,
    latencyMs: drain.latency,
    carrier: {
      cancelCalls: tally.cancelCalls,
      perSecond: tally.cancelCalls / carrierDrainS,
      throttled: tally.throttled,
    },
    overLimit:
      tally.overLimit === null
        ? null
        : {
            total: tally.overLimitTotal ?? 0,
            withinStall: tally.overLimitWithinStall ?? 0,
            byBucket: tally.overLimit,
            events: tally.overLimitEvents,
          },
    cpuMsPerOrder,
    event,
    sellers,
    sellersEndToEnd,
    startRamp,
    firstRequestS,
    shortfalls,
    sellersPaced,
    service,
  };
}
