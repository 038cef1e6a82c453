// What the bench observes from outside the system under test: its outputs in Kafka (with their timestamps),
// its consumer group's committed offsets, the sandbox's counters and the process's resident memory.
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { EventTypes } from '@oms/events';
import { residentMemory } from '../test/support/child-app';
import type { SandboxProcess } from '../test/support/sandbox';
import { brokers } from '../test/support/stack';

interface Completion {
  ids: Set<string>;
  doneAt?: number;
}

/** Collects terminal outputs per order: ShipmentCancelled (final), ShipmentCancellationFailed, ManualReshipRequired. */
export class OutputCollector {
  private readonly kafka = new Kafka({
    clientId: 'oms-bench-collector',
    brokers,
    logLevel: logLevel.NOTHING,
  });
  private consumer: Consumer | null = null;
  private readonly byOrder = new Map<string, Completion>();
  readonly failures = new Map<string, number>();
  messages = 0;

  /** `expected`: terminal outputs each order must get (orders expecting none are not listed). */
  constructor(
    private readonly topics: string[],
    private readonly expected: Map<string, number>,
  ) {}

  async start(): Promise<void> {
    // Latency is read off the outputs' own timestamps, so the collector may fetch lazily: the broker holds each
    // fetch until 100 ms pass or a megabyte is ready, and nothing is committed (the group is throwaway). Either
    // way it leaves the two cores this machine has to the system being measured.
    this.consumer = this.kafka.consumer({
      groupId: `bench-collector-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      minBytes: 1024 * 1024,
    });
    const joined = new Promise<void>((resolve) =>
      this.consumer?.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages)
          this.take(
            message.key?.toString('utf8') ?? '',
            message.value?.toString('utf8') ?? '',
            Number(message.timestamp),
          );
      },
    });
    await joined;
  }

  private take(orderId: string, value: string, timestamp: number): void {
    this.messages += 1;
    let event: { id?: string; type?: string; data?: { final?: boolean; reason?: string } };
    try {
      event = JSON.parse(value) as typeof event;
    } catch {
      return;
    }
    const terminal =
      event.type === 'passthrough' ||
      event.type === EventTypes.manualReshipRequired ||
      event.type === EventTypes.shipmentCancellationFailed ||
      (event.type === EventTypes.shipmentCancelled && event.data?.final === true);
    if (!terminal) return;
    if (event.type === EventTypes.shipmentCancellationFailed) {
      const reason = event.data?.reason ?? 'unknown';
      this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
    }
    const want = this.expected.get(orderId);
    if (want === undefined) return;
    let completion = this.byOrder.get(orderId);
    if (!completion) this.byOrder.set(orderId, (completion = { ids: new Set() }));
    completion.ids.add(event.id ?? `${timestamp}-${completion.ids.size}`);
    if (completion.ids.size >= want && completion.doneAt === undefined) completion.doneAt = timestamp;
  }

  /** When the order got its last terminal output (Kafka timestamp), if it did. */
  doneAt(orderId: string): number | undefined {
    return this.byOrder.get(orderId)?.doneAt;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export interface CarrierSample {
  at: number;
  cancels: number;
  throttled: number;
}

interface Counters {
  calls?: Record<string, { total: number }>;
  throttled?: { total: number };
}

const CANCEL_ENDPOINT = /cancel|^DELETE \/mfn/i;

/** Samples the sandbox's counters and the process's memory once a second. */
export class Sampler {
  readonly carrier: CarrierSample[] = [];
  maxRssMb = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly sandbox: SandboxProcess,
    private readonly pid: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 1_000);
  }

  async sample(): Promise<CarrierSample> {
    const memory = residentMemory(this.pid);
    if (memory) this.maxRssMb = Math.max(this.maxRssMb, memory.rssMb);
    // Totals only: the per-shipment maps would make the sandbox serialise megabytes every second.
    const counters = await this.sandbox.control<Counters>('GET', 'counters?view=totals');
    const cancels = Object.entries(counters.calls ?? {})
      .filter(([endpoint]) => CANCEL_ENDPOINT.test(endpoint))
      .reduce((sum, [, c]) => sum + c.total, 0);
    const sample = { at: Date.now(), cancels, throttled: counters.throttled?.total ?? 0 };
    if (!this.stopped) this.carrier.push(sample);
    return sample;
  }

  /** Peak resident memory of the process's whole life (VmHWM), or the sampled maximum if it has exited. */
  peakRssMb(): number {
    return Math.max(this.maxRssMb, residentMemory(this.pid)?.peakMb ?? 0);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.stopped = true;
  }

  /** Cancel calls per second over the window where calls were being made (first to last change). */
  cancelRate(): { calls: number; perSecond: number; windowS: number } {
    const samples = this.carrier;
    const first = samples.findIndex((s) => s.cancels > 0);
    if (first < 0) return { calls: 0, perSecond: 0, windowS: 0 };
    const total = samples[samples.length - 1]?.cancels ?? 0;
    const lastChange = samples.findIndex((s) => s.cancels === total);
    // The sample before the first call marks the start of the window (calls began within that second).
    const start = samples[Math.max(0, first - 1)] as CarrierSample;
    const end = samples[lastChange] as CarrierSample;
    const windowS = Math.max(0.001, (end.at - start.at) / 1000);
    return { calls: total, perSecond: (end.cancels - start.cancels) / windowS, windowS };
  }
}

/** Who spent the machine's CPU: the system under test, the stack around it, and the bench itself. */
export const CPU_ROLES = ['system', 'postgres', 'broker', 'sandbox', 'load generator', 'other'] as const;
export type CpuRole = (typeof CPU_ROLES)[number];

/** The processes whose CPU is told apart; Postgres and the broker are recognised by name. */
export interface CpuPids {
  /** The system's processes: one, or a fleet of instances. */
  system: number[];
  sandbox: number;
}

/** CPU time so far, in clock ticks: the whole machine's (busy and total, every core) and each process's. */
export interface CpuSnapshot {
  at: number;
  machineBusy: number;
  machineTotal: number;
  processes: Map<number, { role: CpuRole; ticks: number }>;
}

/** Where the phase's CPU went: the machine's share busy (all cores), and the cores each role used. */
export interface CpuUse {
  machineBusyPercent: number;
  /** Every busy core of the machine, by role; `other` is the rest (other processes, the kernel's own work). */
  cores: Record<CpuRole, number>;
}

/** Linux counts process and machine CPU in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** Reads /proc (Linux); null elsewhere or once the system under test is gone. */
export function cpuSnapshot(pids: CpuPids): CpuSnapshot | null {
  try {
    const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.reduce((a, b) => a + b, 0);
    const processes: CpuSnapshot['processes'] = new Map();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      const stat = processStat(pid);
      if (!stat) continue;
      const role = roleOf(pid, stat.startedAt, pids);
      if (role !== 'other') processes.set(pid, { role, ticks: stat.ticks });
    }
    if (!pids.system.some((pid) => processes.has(pid))) return null;
    return { at: Date.now(), machineBusy: total - idle, machineTotal: total, processes };
  } catch {
    return null;
  }
}

/** A process's CPU so far (utime + stime) and its start time (which tells a reused pid apart); null once gone. */
function processStat(pid: number): { ticks: number; startedAt: string } | null {
  try {
    // Fields after the command name (which may hold spaces): utime, stime and starttime are the 12th, 13th
    // and 20th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), startedAt: fields[19] ?? '' };
  } catch {
    return null;
  }
}

const roles = new Map<string, CpuRole>();

function roleOf(pid: number, startedAt: string, pids: CpuPids): CpuRole {
  if (pids.system.includes(pid)) return 'system';
  if (pid === pids.sandbox) return 'sandbox';
  if (pid === process.pid) return 'load generator';
  const key = `${pid}:${startedAt}`;
  let role = roles.get(key);
  if (role === undefined) {
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      // Gone already: counted as other.
    }
    role =
      command.startsWith('postgres') || command.includes('/bin/postgres ')
        ? 'postgres'
        : command.includes('kafka.Kafka')
          ? 'broker'
          : 'other';
    roles.set(key, role);
  }
  return role;
}

/**
 * CPU used between two snapshots, by role. A process that started in between counts whole; one that ended in
 * between is lost to its role and shows up as `other`, which is the machine's busy time nobody else claimed.
 */
export function cpuUse(from: CpuSnapshot | null, to: CpuSnapshot | null): CpuUse | null {
  if (!from || !to || to.machineTotal <= from.machineTotal || to.at <= from.at) return null;
  const seconds = (to.at - from.at) / 1000;
  const ticks = Object.fromEntries(CPU_ROLES.map((role) => [role, 0])) as Record<CpuRole, number>;
  for (const [pid, { role, ticks: now }] of to.processes)
    ticks[role] += Math.max(0, now - (from.processes.get(pid)?.ticks ?? 0));
  const busy = to.machineBusy - from.machineBusy;
  ticks.other = Math.max(0, busy - CPU_ROLES.reduce((sum, role) => sum + ticks[role], 0));
  const cores = Object.fromEntries(
    CPU_ROLES.map((role) => [role, ticks[role] / TICKS_PER_SECOND / seconds]),
  ) as Record<CpuRole, number>;
  return {
    machineBusyPercent: (100 * busy) / (to.machineTotal - from.machineTotal),
    cores,
  };
}

export function percentiles(values: number[]): {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] ?? 0, n: sorted.length };
}

/** One progress line every few seconds: done/total, rate, ETA. */
export class Progress {
  private last = Date.now();
  private lastDone = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly startedAt: number,
    private readonly everyMs = 5_000,
  ) {}

  tick(done: number, extra = ''): void {
    const now = Date.now();
    if (now - this.last < this.everyMs) return;
    const rate = ((done - this.lastDone) * 1000) / (now - this.last);
    const eta = rate > 0 ? `${Math.ceil((this.total - done) / rate)} s` : '∞';
    const elapsed = Math.round((now - this.startedAt) / 1000);
    console.log(
      `  ${this.label}: ${done.toLocaleString('en')}/${this.total.toLocaleString('en')} orders, ${rate.toFixed(1)}/s, elapsed ${elapsed} s, ETA ${eta}${extra}`,
    );
    this.last = now;
    this.lastDone = done;
  }
}
