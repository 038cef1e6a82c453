import type { Clock } from '../retry/clock';
import type { AcquireResult, BucketKey, QuotaReport, RateBudget } from './rate-budget';
import { TokenBucket } from './token-bucket';

export type { AcquireResult, BucketKey } from './rate-budget';

/**
 * The budget of one process: a token bucket per (api, operation, seller account), so one account's backlog
 * never delays another's. Right when this process is the only one calling Amazon for those accounts.
 */
export class RateLimiter implements RateBudget {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly limitFor: (api: string, operation: string) => { ratePerSecond: number; burst: number },
    private readonly marginMs = 0,
  ) {}

  bucket(key: BucketKey): TokenBucket {
    const id = `${key.api}\u0000${key.operation}\u0000${key.sellerAccount}`;
    let bucket = this.buckets.get(id);
    if (!bucket) {
      const limit = this.limitFor(key.api, key.operation);
      bucket = new TokenBucket(limit.ratePerSecond, limit.burst, () => this.clock.now(), this.marginMs);
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  /** ms until the bucket has a token; 0 when it does or does not exist yet. */
  nextTokenInMs(key: BucketKey): number {
    return this.bucket(key).nextTokenInMs();
  }

  /** Waits (on a timer) for a token, unless that would take longer than `maxWaitMs`. */
  async acquire(key: BucketKey, maxWaitMs: number, signal?: AbortSignal): Promise<AcquireResult> {
    const bucket = this.bucket(key);
    const wait = bucket.reserve(maxWaitMs);
    if (wait === undefined) return { kind: 'too_late', waitMs: Math.ceil(bucket.nextTokenInMs()) };
    if (wait <= 0) return { kind: 'acquired', waitedMs: 0 };
    const elapsed = await this.clock.sleep(wait, signal);
    if (!elapsed) {
      bucket.release();
      return { kind: 'aborted' };
    }
    return { kind: 'acquired', waitedMs: wait };
  }

  throttled(key: BucketKey): void {
    this.bucket(key).drain();
  }

  observeLimit(key: BucketKey, ratePerSecond: number): number | undefined {
    const bucket = this.bucket(key);
    const before = bucket.ratePerSecond;
    bucket.observeLimit(ratePerSecond);
    return bucket.ratePerSecond === before ? undefined : bucket.ratePerSecond;
  }

  observeQuota(key: BucketKey, quota: QuotaReport): void {
    this.bucket(key).observeRemaining(quota.remaining);
  }
}
