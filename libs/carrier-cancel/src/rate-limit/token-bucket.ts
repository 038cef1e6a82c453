import { gcraSpacing } from './rate-budget';

/**
 * A token bucket that hands out reservations: each caller takes a token now and learns how long to wait
 * before using it, so waiters queue in order with one timer each and nobody polls.
 *
 * `marginMs` keeps us inside Amazon's bucket although Amazon counts arrivals, not sends: a request that
 * travels faster than an earlier one arrives "early". Any two sends i < j satisfy
 * count(i..j) <= burst + rate * (span - margin), so latency differences up to the margin never cost a 429.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private rate: number;
  private capacity = 1;
  private refillRate = 1;

  constructor(
    /** The configured (maximum) rate; Amazon's reported limit can only lower it. */
    readonly configuredRate: number,
    readonly burst: number,
    private readonly now: () => number,
    readonly marginMs = 0,
  ) {
    if (!(configuredRate > 0) || !(burst >= 1)) throw new Error('TokenBucket needs rate > 0 and burst >= 1');
    if (!(marginMs >= 0)) throw new Error('TokenBucket needs marginMs >= 0');
    this.rate = configuredRate;
    this.recompute();
    this.tokens = this.capacity;
    this.last = now();
  }

  /** The rate this client may use: configured, or lower when Amazon reported less. */
  get ratePerSecond(): number {
    return this.rate;
  }

  /** ms until a token is free for a new caller (0 = now); reserves nothing. */
  nextTokenInMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : this.msFor(1 - this.tokens);
  }

  /** Takes a token if one is free by `maxWaitMs`; returns the wait in ms, or undefined (nothing taken). */
  reserve(maxWaitMs = Number.POSITIVE_INFINITY): number | undefined {
    const wait = this.nextTokenInMs();
    if (wait > maxWaitMs) return undefined;
    this.tokens -= 1;
    return wait;
  }

  /** Gives back a reservation that was never used (the caller gave up while waiting). */
  release(): void {
    this.refill();
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }

  /** Amazon answered 429: its bucket is empty whatever ours thinks (another client shares the quota). */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  /** Amazon reported `remaining` requests left in its bucket: ours never holds more. */
  observeRemaining(remaining: number): void {
    if (!(remaining >= 0)) return;
    this.refill();
    this.tokens = Math.min(this.tokens, remaining);
  }

  /** Applies Amazon's x-amzn-RateLimit-Limit: never above the configured rate. */
  observeLimit(reportedRatePerSecond: number): void {
    if (!(reportedRatePerSecond > 0)) return;
    this.refill();
    this.rate = Math.min(this.configuredRate, reportedRatePerSecond);
    this.recompute();
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  // The schedule of gcraSpacing, as a bucket: capacity = tolerance / interval + 1, refilled once per interval.
  private recompute(): void {
    const { intervalMs, toleranceMs } = gcraSpacing(this.rate, this.burst, this.marginMs);
    this.capacity = toleranceMs / intervalMs + 1;
    this.refillRate = 1000 / intervalMs;
  }

  private msFor(tokens: number): number {
    return (tokens * 1000) / this.refillRate;
  }

  private refill(): void {
    const t = this.now();
    const elapsed = t - this.last;
    if (elapsed > 0) this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.refillRate) / 1000);
    this.last = Math.max(this.last, t);
  }
}
