import type { Clock } from '../retry/clock';
import { TokenBucket } from './token-bucket';

export interface BucketKey {
  api: string;
  operation: string;
  sellerAccount: string;
}

export type AcquireResult =
  { kind: 'acquired'; waitedMs: number } | { kind: 'too_late'; waitMs: number } | { kind: 'aborted' };

/** One token bucket per (api, operation, seller account): one account's backlog never delays another's. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private share = 1;

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
      if (this.share !== 1) bucket.setShare(this.share);
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  /** Every bucket, present and future, uses this fraction of its quota (see TokenBucket.setShare). */
  setShare(share: number): void {
    if (!(share > 0 && share <= 1)) throw new Error('rate share must be in (0, 1]');
    this.share = share;
    for (const bucket of this.buckets.values()) bucket.setShare(share);
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
}
