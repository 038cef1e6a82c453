// What the benches and end-to-end tests assert on: calls, state-changing cancels, 429s, injected faults, and
// requests beyond the configured rate limits (whether or not they were answered 429).
import type { Counted } from '../rate-limit/arrival-count';
import type { LoopStalls } from './loop-stalls';

interface EndpointCount {
  total: number;
  byOutcome: Map<string, number>;
}

const MAX_OVER_LIMIT_EVENTS = 50;

/**
 * One request over its limit: when it arrived, how long after each of the last arrivals on its bucket, how much
 * later it would have fitted, the worst stall of the sandbox's loop so far and around those arrivals, and the
 * latest a probe's bytes reached the sandbox around them.
 */
interface OverLimitEvent {
  bucket: string;
  at: string;
  gapsMs: number[];
  shortMs: number;
  loopDelayMaxMs: number;
  loopDelayNearMs: number;
  deliveryLagNearMs: number;
}

/** The stalls looked at around an over-limit arrival: back to the arrivals it is judged against, and after it. */
const STALL_LOOKBACK_MS = 2_000;
const STALL_LOOKAHEAD_MS = 1_000;

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class Counters {
  private readonly calls = new Map<string, EndpointCount>();
  private readonly stateChangingCancels = new Map<string, number>();
  private readonly cancelRequests = new Map<string, number>();
  private readonly throttledByBucket = new Map<string, number>();
  private readonly faultsByStatus = new Map<string, number>();
  private throttledTotal = 0;
  private readonly rateLimitRequests = new Map<string, number>();
  /** When the first and the latest counted request of each bucket arrived (epoch ms): a drain's exact span. */
  private readonly firstArrivalAt = new Map<string, number>();
  private readonly lastArrivalAt = new Map<string, number>();
  /** Per bucket, as of its latest arrival: the time it sat full (ms), and the tokens left (see Counted). */
  private readonly bucketUse = new Map<string, { fullMs: number; left: number }>();
  private readonly overLimit = new Map<string, number>();
  private overLimitTotal = 0;
  /**
   * Of those, the ones short of fitting by no more than the sandbox's own lag around them (its loop's stalls, or
   * how late probes' bytes reached it): their stamps may be that late, so they may have been sent in time (a
   * reader decides whether to count them).
   */
  private readonly overLimitWithinStall = new Map<string, number>();
  /** The first requests over a limit, each with the arrivals before it and the event loop's worst stall so far. */
  private readonly overLimitEvents: OverLimitEvent[] = [];
  /** The sandbox's own lag: arrivals are stamped on its loop once their bytes reach it, so it bounds the stamps' error. */
  loopStalls: Pick<LoopStalls, 'worst' | 'near' | 'deliveryNear'> | null = null;
  private readonly faults = { latency: 0, timeout: 0, dropAfterAct: 0, tokenExpired: 0 };

  call(endpoint: string, outcome: number | 'timeout' | 'dropped'): void {
    let count = this.calls.get(endpoint);
    if (!count) {
      count = { total: 0, byOutcome: new Map() };
      this.calls.set(endpoint, count);
    }
    count.total++;
    bump(count.byOutcome, String(outcome));
  }

  cancelRequested(carrierShipmentId: string): void {
    bump(this.cancelRequests, carrierShipmentId);
  }

  cancelApplied(carrierShipmentId: string): void {
    bump(this.stateChangingCancels, carrierShipmentId);
  }

  throttled(bucket: string): void {
    this.throttledTotal++;
    bump(this.throttledByBucket, bucket);
  }

  /** One arrival judged against its (operation|principal) limit; `over` when the limit had no room for it. */
  arrival({ key: bucket, over, at, before = [], shortMs = 0, fullMs, left }: Counted): void {
    bump(this.rateLimitRequests, bucket);
    if (at < (this.firstArrivalAt.get(bucket) ?? Infinity)) this.firstArrivalAt.set(bucket, at);
    if (at > (this.lastArrivalAt.get(bucket) ?? 0)) this.lastArrivalAt.set(bucket, at);
    this.bucketUse.set(bucket, { fullMs: Math.round(fullMs), left: Math.round(left * 100) / 100 });
    if (!over) return;
    this.overLimitTotal++;
    bump(this.overLimit, bucket);
    const [from, to] = [at - STALL_LOOKBACK_MS, at + STALL_LOOKAHEAD_MS];
    const near = this.loopStalls?.near(from, to) ?? 0;
    const delivery = this.loopStalls?.deliveryNear(from, to) ?? 0;
    if (shortMs <= Math.max(near, delivery)) bump(this.overLimitWithinStall, bucket);
    if (this.overLimitEvents.length < MAX_OVER_LIMIT_EVENTS)
      this.overLimitEvents.push({
        bucket,
        at: new Date(at).toISOString(),
        gapsMs: before.map((t) => at - t),
        shortMs: Math.round(shortMs),
        loopDelayMaxMs: Math.round(this.loopStalls?.worst ?? 0),
        loopDelayNearMs: Math.round(near),
        deliveryLagNearMs: Math.round(delivery),
      });
  }

  fault(kind: 'latency' | 'timeout' | 'dropAfterAct' | 'tokenExpired' | number): void {
    if (typeof kind === 'number') bump(this.faultsByStatus, String(kind));
    else this.faults[kind]++;
  }

  reset(): void {
    this.calls.clear();
    this.stateChangingCancels.clear();
    this.cancelRequests.clear();
    this.throttledByBucket.clear();
    this.faultsByStatus.clear();
    this.throttledTotal = 0;
    this.rateLimitRequests.clear();
    this.firstArrivalAt.clear();
    this.lastArrivalAt.clear();
    this.bucketUse.clear();
    this.overLimit.clear();
    this.overLimitTotal = 0;
    this.overLimitWithinStall.clear();
    this.overLimitEvents.length = 0;
    this.faults.latency = this.faults.timeout = this.faults.dropAfterAct = this.faults.tokenExpired = 0;
  }

  /**
   * `perShipment: false` leaves out the two per-shipment maps: a poller sampling once a second during a
   * bench must not make the sandbox serialise megabytes of them (and stall its own answers) each time.
   * `rateLimit` stays in both views: it has one entry per (operation, principal), not per shipment.
   */
  toJSON({ perShipment = true }: { perShipment?: boolean } = {}): Record<string, unknown> {
    const calls: Record<string, unknown> = {};
    for (const [endpoint, count] of this.calls) {
      calls[endpoint] = { total: count.total, byOutcome: Object.fromEntries(count.byOutcome) };
    }
    let stateChangingTotal = 0;
    for (const n of this.stateChangingCancels.values()) stateChangingTotal += n;
    return {
      calls,
      stateChangingCancels: {
        total: stateChangingTotal,
        shipments: this.stateChangingCancels.size,
        ...(perShipment && { perShipment: Object.fromEntries(this.stateChangingCancels) }),
      },
      ...(perShipment && { cancelRequestsPerShipment: Object.fromEntries(this.cancelRequests) }),
      throttled: { total: this.throttledTotal, byBucket: Object.fromEntries(this.throttledByBucket) },
      faultsInjected: { ...this.faults, byStatus: Object.fromEntries(this.faultsByStatus) },
      rateLimit: {
        requests: Object.fromEntries(this.rateLimitRequests),
        firstArrivalAt: Object.fromEntries(this.firstArrivalAt),
        lastArrivalAt: Object.fromEntries(this.lastArrivalAt),
        bucketUse: Object.fromEntries(this.bucketUse),
        overLimit: Object.fromEntries(this.overLimit),
        overLimitTotal: this.overLimitTotal,
        overLimitWithinStall: Object.fromEntries(this.overLimitWithinStall),
        overLimitEvents: this.overLimitEvents,
      },
    };
  }
}
