// What scenarios d–f measure beyond a–c: CPU of a fleet whose members die and join, the sandbox's counts of
// requests over each (operation, seller) limit, rates over sliding windows, and each seller's use of its quota.
import type { OverLimitEvent, SandboxProcess } from '../test/support/sandbox';
import { type CpuPids, type CpuRole, type CpuSnapshot, cpuSnapshot, cpuUse } from './bench-measure';

/**
 * CPU over a phase, polled once a second: a process that dies in the phase (a SIGKILLed instance) keeps the
 * ticks it was last seen with instead of vanishing into `other`.
 */
export class CpuWatch {
  private first: CpuSnapshot | null = null;
  private merged: CpuSnapshot | null = null;
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;

  constructor(private readonly pids: () => CpuPids) {}

  start(): void {
    this.startedAt = Date.now();
    this.first = this.merged = cpuSnapshot(this.pids());
    this.timer = setInterval(() => this.poll(), 1_000);
  }

  private poll(): void {
    const now = cpuSnapshot(this.pids());
    if (!now) return;
    if (!this.merged) {
      this.merged = now;
      return;
    }
    const processes = new Map(this.merged.processes);
    for (const [pid, seen] of now.processes) processes.set(pid, seen);
    this.merged = { ...now, processes };
  }

  /** CPU ms per order by role over the phase; null when /proc could not be read. */
  stop(orders: number): Record<CpuRole, number> | null {
    if (this.timer) clearInterval(this.timer);
    this.poll();
    const use = cpuUse(this.first, this.merged);
    const seconds = (Date.now() - this.startedAt) / 1000;
    if (!use || orders <= 0) return null;
    return Object.fromEntries(
      Object.entries(use.cores).map(([role, cores]) => [role, (cores * seconds * 1000) / orders]),
    ) as Record<CpuRole, number>;
  }
}

/** GET /__sandbox/counters?view=totals, the parts read here. */
export interface SandboxTally {
  calls: Record<string, { total: number; byOutcome?: Record<string, number> }>;
  throttled: { total: number; byBucket: Record<string, number> };
  /** The sandbox's count of requests per (api.operation|seller), and of those beyond the configured limit. */
  rateLimit?: {
    requests: Record<string, number>;
    /** When the latest request of each bucket arrived (epoch ms, the sandbox's clock: this machine's). */
    lastArrivalAt?: Record<string, number>;
    firstArrivalAt?: Record<string, number>;
    /** Per bucket, as of its latest request: how long the bucket sat full since its first (ms), tokens left. */
    bucketUse?: Record<string, BucketUse>;
    overLimit: Record<string, number>;
    overLimitTotal: number;
    /** Of those, per bucket, the ones short of fitting by no more than the sandbox's own lag around them. */
    overLimitWithinStall?: Record<string, number>;
    /** The stories of the first requests over a limit since the sandbox was reset. */
    overLimitEvents?: OverLimitEvent[];
  };
}

/** A bucket as the sandbox saw it after its latest request (see the sandbox's ArrivalCount). */
export interface BucketUse {
  fullMs: number;
  left: number;
}

export function readTally(sandbox: SandboxProcess): Promise<SandboxTally> {
  return sandbox.control<SandboxTally>('GET', 'counters?view=totals');
}

const CANCEL_ENDPOINT = /cancel|^DELETE \/mfn/i;

export interface TallyDelta {
  cancelCalls: number;
  throttled: number;
  /** Requests over a limit, by `api.operation|seller`; null when the sandbox does not count them. */
  overLimit: Record<string, number> | null;
  overLimitTotal: number | null;
  /** Of those, the requests short of fitting by no more than the sandbox's own lag (its stamps' error). */
  overLimitWithinStall: number | null;
  /** The sandbox's story of each (the first few of a run). */
  overLimitEvents: OverLimitEvent[];
}

function delta(to: Record<string, number>, from: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(to)
      .map(([key, n]): [string, number] => [key, n - (from[key] ?? 0)])
      .filter(([, n]) => n !== 0),
  );
}

function sum(counts: Record<string, number> = {}): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Cancel calls the carrier accepted (every answer but a 429). */
export function acceptedCancels(tally: SandboxTally): number {
  return Object.entries(tally.calls ?? {})
    .filter(([endpoint]) => CANCEL_ENDPOINT.test(endpoint))
    .reduce((sum, [, c]) => sum + c.total - (c.byOutcome?.['429'] ?? 0), 0);
}

/**
 * Polls the sandbox's accepted cancels while a phase drains: when the carrier took its last cancel, which for
 * MFN comes a refund follow-up (a minute by default) before the order's final event.
 */
export class CarrierClock {
  private readonly samples: Array<{
    at: number;
    accepted: number;
    requests: Record<string, number>;
    lastArrivalAt: Record<string, number> | undefined;
    firstArrivalAt: Record<string, number> | undefined;
    bucketUse: Record<string, BucketUse> | undefined;
  }> = [];
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(private readonly sandbox: SandboxProcess) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), 250);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const tally = await readTally(this.sandbox);
      this.samples.push({
        at: Date.now(),
        accepted: acceptedCancels(tally),
        requests: tally.rateLimit?.requests ?? {},
        lastArrivalAt: tally.rateLimit?.lastArrivalAt,
        firstArrivalAt: tally.rateLimit?.firstArrivalAt,
        bucketUse: tally.rateLimit?.bucketUse,
      });
    } catch {
      // A missed sample only coarsens the clock.
    } finally {
      this.polling = false;
    }
  }

  /** The first sample that saw every cancel the phase made (its count at the end); null if none did. */
  async stop(): Promise<number | null> {
    if (this.timer) clearInterval(this.timer);
    await this.poll();
    const final = this.samples[this.samples.length - 1]?.accepted;
    return this.samples.find((s) => s.accepted === final)?.at ?? null;
  }

  /**
   * When the seller's last cancel request reached the carrier: the sandbox's own arrival time when it reports
   * one, else the first sample that saw every cancel request of the seller (up to one poll late); null when the
   * sandbox does not count requests per seller.
   */
  lastRequestAt(sellerAccount: string): number | null {
    const last = this.samples[this.samples.length - 1];
    const final = cancelRequestsOf(last?.requests ?? {}, sellerAccount);
    if (final === 0) return null;
    if (last?.lastArrivalAt) {
      const times = Object.entries(last.lastArrivalAt)
        .filter(([bucket]) => isCancelBucketOf(bucket, sellerAccount))
        .map(([, at]) => at);
      if (times.length > 0) return Math.max(...times);
    }
    return this.samples.find((s) => cancelRequestsOf(s.requests, sellerAccount) === final)?.at ?? null;
  }

  /** When the seller's first cancel request reached the carrier, as the sandbox stamped it; null if unknown. */
  firstRequestAt(sellerAccount: string): number | null {
    const first = this.samples[this.samples.length - 1]?.firstArrivalAt ?? {};
    const times = Object.entries(first)
      .filter(([bucket]) => isCancelBucketOf(bucket, sellerAccount))
      .map(([, at]) => at);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /** The seller's cancel bucket after its latest request, as the sandbox last reported it; null if unknown. */
  bucketUse(sellerAccount: string): BucketUse | null {
    const use = this.samples[this.samples.length - 1]?.bucketUse ?? {};
    const bucket = Object.keys(use).find((b) => isCancelBucketOf(b, sellerAccount));
    return bucket === undefined ? null : (use[bucket] ?? null);
  }

  /**
   * Each sample's cancel requests per seller since `start` (ms after it, counts beyond the sample at `start`):
   * the ramp in full, written beside the run's logs.
   */
  timeline(start: number, sellers: string[]): Array<{ afterMs: number; requests: Record<string, number> }> {
    const base = new Map(sellers.map((seller) => [seller, this.requestsBy(seller, start)]));
    return this.samples
      .filter((s) => s.at >= start)
      .map((s) => ({
        afterMs: s.at - start,
        requests: Object.fromEntries(
          sellers.map((seller) => [seller, cancelRequestsOf(s.requests, seller) - (base.get(seller) ?? 0)]),
        ),
      }));
  }

  /**
   * The seller's cancel requests counted by the last sample taken at or before `at` (the carrier's count is
   * cumulative: subtract `requestsBy(seller, start)` for a phase's share); 0 before the first sample.
   */
  requestsBy(sellerAccount: string, at: number): number {
    let last: Record<string, number> = {};
    for (const s of this.samples) {
      if (s.at > at) break;
      last = s.requests;
    }
    return cancelRequestsOf(last, sellerAccount);
  }
}

/** A seller's cancel requests in the sandbox's per-bucket request counts (`endpoint|seller`). */
function cancelRequestsOf(requests: Record<string, number>, sellerAccount: string): number {
  return Object.entries(requests)
    .filter(([bucket]) => isCancelBucketOf(bucket, sellerAccount))
    .reduce((sum, [, n]) => sum + n, 0);
}

function isCancelBucketOf(bucket: string, sellerAccount: string): boolean {
  return bucket.endsWith(`|${sellerAccount}`) && CANCEL_ENDPOINT.test(bucket.split('|')[0] ?? '');
}

export function tallyDelta(from: SandboxTally, to: SandboxTally): TallyDelta {
  const cancels = (t: SandboxTally) =>
    Object.entries(t.calls ?? {})
      .filter(([endpoint]) => CANCEL_ENDPOINT.test(endpoint))
      .reduce((sum, [, c]) => sum + c.total, 0);
  const over =
    to.rateLimit && from.rateLimit ? delta(to.rateLimit.overLimit, from.rateLimit.overLimit) : null;
  return {
    cancelCalls: cancels(to) - cancels(from),
    throttled: (to.throttled?.total ?? 0) - (from.throttled?.total ?? 0),
    overLimit: over,
    overLimitTotal:
      to.rateLimit && from.rateLimit ? to.rateLimit.overLimitTotal - from.rateLimit.overLimitTotal : null,
    overLimitWithinStall:
      to.rateLimit && from.rateLimit
        ? sum(to.rateLimit.overLimitWithinStall) - sum(from.rateLimit.overLimitWithinStall)
        : null,
    overLimitEvents: (to.rateLimit?.overLimitEvents ?? []).slice(
      from.rateLimit?.overLimitEvents?.length ?? 0,
    ),
  };
}

export const NO_OVER_LIMIT_COUNTER =
  'the sandbox reports no rateLimit in GET /__sandbox/counters (requests over the limit are not counted yet): over-limit not measured';

/**
 * The first time, `fromMs` or later, at which the rate over the window ending then is at least `rate` per
 * second (completions at `times`, ms); null if never.
 */
export function firstTimeAtRate(
  times: number[],
  fromMs: number,
  rate: number,
  windowMs: number,
): number | null {
  const sorted = [...times].sort((a, b) => a - b);
  const need = Math.ceil((rate * windowMs) / 1000);
  // Windows end at a completion (a rate only rises when one arrives); two pointers over the sorted times.
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    const t = sorted[end] as number;
    while ((sorted[start] as number) <= t - windowMs) start++;
    if (t >= fromMs && end - start + 1 >= need) return t;
  }
  return null;
}

/** The longest gap between consecutive completions at or after `fromMs`, in ms. */
export function longestGapMs(times: number[], fromMs: number): number {
  const sorted = [fromMs, ...times.filter((t) => t >= fromMs)].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < sorted.length; i++)
    gap = Math.max(gap, (sorted[i] as number) - (sorted[i - 1] as number));
  return gap;
}

export interface SellerUse {
  sellerAccount: string;
  orders: number;
  /** The shortest time the quota allows for the seller's orders, and the time they took, from the first input. */
  minimumS: number;
  tookS: number;
  /** minimumS / tookS: the share of what its quota allowed that the seller got. */
  utilisation: number;
}

/**
 * Per seller: the orders beyond its burst need (n − burst) / rate seconds at least; the seller got
 * minimum ÷ actual of what it could use. Sellers whose orders fit in their burst have no rate to use and are
 * left out.
 */
export function sellerUse(
  orders: Array<{ sellerAccount: string; doneAt: number | undefined }>,
  startedAt: number | ((sellerAccount: string) => number),
  limit: { ratePerSecond: number; burst: number },
): SellerUse[] {
  const startOf = typeof startedAt === 'number' ? () => startedAt : startedAt;
  const bySeller = new Map<string, { orders: number; lastDone: number; missing: number }>();
  for (const o of orders) {
    const s = bySeller.get(o.sellerAccount) ?? { orders: 0, lastDone: startOf(o.sellerAccount), missing: 0 };
    s.orders += 1;
    if (o.doneAt === undefined) s.missing += 1;
    else s.lastDone = Math.max(s.lastDone, o.doneAt);
    bySeller.set(o.sellerAccount, s);
  }
  return [...bySeller.entries()]
    .filter(([, s]) => s.orders > limit.burst)
    .map(([sellerAccount, s]) => {
      const minimumS = (s.orders - limit.burst) / limit.ratePerSecond;
      // A seller with unfinished orders got at most its finished share of the time it had.
      const tookS = Math.max(0.001, (s.lastDone - startOf(sellerAccount)) / 1000);
      const done = (s.orders - s.missing) / s.orders;
      return { sellerAccount, orders: s.orders, minimumS, tookS, utilisation: (done * minimumS) / tookS };
    });
}

/**
 * A seller's time to its last request beyond its quota's minimum, in the parts the carrier's bucket tells apart
 * (they sum to it while no request went over the limit): until its first request, while its bucket sat full
 * after that (capacity with nothing sent), and the tokens still in the bucket at its last request.
 */
export interface Shortfall {
  sellerAccount: string;
  beyondS: number;
  startS: number;
  fullS: number;
  leftTokens: number;
  leftS: number;
}

/** The seller's shortfall from its use and the carrier's view of its bucket; null when the carrier saw none. */
export function shortfallOf(
  use: SellerUse,
  carrier: {
    startedAt: number;
    firstRequestAt: number | null;
    bucket: BucketUse | null;
    ratePerSecond: number;
  },
): Shortfall | null {
  const { startedAt, firstRequestAt, bucket, ratePerSecond } = carrier;
  if (firstRequestAt === null || bucket === null) return null;
  return {
    sellerAccount: use.sellerAccount,
    beyondS: use.tookS - use.minimumS,
    startS: (firstRequestAt - startedAt) / 1000,
    fullS: bucket.fullMs / 1000,
    leftTokens: bucket.left,
    leftS: bucket.left / ratePerSecond,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
