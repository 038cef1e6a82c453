import type { RateLimit } from './rate-limiter';
import { TokenBucket } from './token-bucket';

/**
 * One request as the quota sees it: when it arrived, the limit its operation had then (none: not counted), and
 * (once known) whose bucket it draws on.
 */
export interface Arrival {
  readonly at: number;
  readonly limit: RateLimit | undefined;
  settled: boolean;
  key?: string;
}

/** The verdict on one counted arrival: `over` when the configured rate and burst had no room for it. */
export interface Counted {
  key: string;
  over: boolean;
  /** When it arrived, and (when over) the arrivals on its key just before it: what a reader needs to see why. */
  at: number;
  before?: number[];
  /** When over: how much later it would have fitted (ms), the time its bucket still needed for a token. */
  shortMs?: number;
  /**
   * Its bucket after it: how long the bucket has sat full since its first arrival (ms), and the tokens left.
   * The span from a key's first arrival to its last is (arrivals − burst + left) ÷ rate + full: what a caller
   * left unused of its quota, as capacity idle at full and as tokens never taken.
   */
  fullMs: number;
  left: number;
}

/** Arrivals remembered per key, for the story of one over the limit. */
const RECENT = 4;

// Keep the drained head of the queue from growing without end, without shifting the array on every request.
const COMPACT_AFTER = 1_024;

/**
 * Judges every arrival against a token bucket of the configured limit, strictly in arrival order, whatever
 * the sandbox answered. The bucket key (operation|principal) is only known once the handler has run, which
 * a latency fault delays by a random amount; judging in handler order would squeeze the gaps between
 * arrivals and report overruns the caller never made. So arrivals wait in a queue until every earlier one is
 * settled, then go through their buckets in the order they came in. A refused arrival takes no token, as at
 * Amazon: the count is of requests beyond what the limit lets through.
 *
 * A limit is the one in force when the request arrived, and a bucket keeps the limit it was made for: the first
 * arrival under a new limit starts a full bucket of it. A limit change thus takes effect at its place in the
 * arrival order, however long earlier arrivals take to settle (judging by the limit at settle time let a
 * request that arrived under a squeezed limit, settled after the squeeze ended, make a bucket of the squeezed
 * limit that then judged every later request).
 */
export class ArrivalCount {
  private queue: Arrival[] = [];
  private head = 0;
  private readonly buckets = new Map<string, { limit: RateLimit; bucket: TokenBucket }>();
  private readonly recent = new Map<string, number[]>();

  /** A request arrived at `at`, under `limit` (undefined: its operation has none, it is not counted). */
  arrive(at: number, limit: RateLimit | undefined): Arrival {
    const arrival: Arrival = { at, limit, settled: false };
    this.queue.push(arrival);
    return arrival;
  }

  /**
   * Marks the arrival settled, counted against `key` (without one: not counted at all), and returns the
   * verdicts of every arrival that can now be judged in order. Settling twice is a no-op.
   */
  settle(arrival: Arrival, key?: string): Counted[] {
    if (arrival.settled) return [];
    arrival.settled = true;
    if (key !== undefined) arrival.key = key;
    return this.drain();
  }

  /** Forgets every bucket: the next arrival on each key starts a full one. */
  clear(): void {
    this.buckets.clear();
    this.recent.clear();
  }

  /** Arrivals not yet judged (an earlier one is still in a latency delay). */
  get pending(): number {
    return this.queue.length - this.head;
  }

  private drain(): Counted[] {
    const verdicts: Counted[] = [];
    while (this.head < this.queue.length) {
      const arrival = this.queue[this.head];
      if (!arrival?.settled) break;
      this.head++;
      if (arrival.key === undefined || arrival.limit === undefined) continue;
      let held = this.buckets.get(arrival.key);
      if (held?.limit !== arrival.limit) {
        held = {
          limit: arrival.limit,
          bucket: new TokenBucket(arrival.limit.ratePerSecond, arrival.limit.burst, arrival.at),
        };
        this.buckets.set(arrival.key, held);
        this.recent.delete(arrival.key);
      }
      const { bucket } = held;
      const over = !bucket.tryTake(arrival.at);
      const recent = this.recent.get(arrival.key) ?? [];
      const use = { fullMs: bucket.fullMs(arrival.at), left: bucket.level(arrival.at) };
      verdicts.push(
        over
          ? {
              key: arrival.key,
              over,
              at: arrival.at,
              before: [...recent],
              shortMs: bucket.shortMs(arrival.at),
              ...use,
            }
          : { key: arrival.key, over, at: arrival.at, ...use },
      );
      recent.push(arrival.at);
      if (recent.length > RECENT) recent.shift();
      this.recent.set(arrival.key, recent);
    }
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return verdicts;
  }
}
