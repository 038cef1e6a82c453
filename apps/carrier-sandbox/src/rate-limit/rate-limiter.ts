import { asObject, InputError, optionalNumber } from '../control/control-input';
import { TokenBucket } from './token-bucket';

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

// Documented usage plans: Shipping v2 model 80/100; seed 001 MWS "quota of 10, restore five every
// second"; Merchant Fulfillment v0 model 1/1; Tokens API createRestrictedDataToken 1/10.
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  'amazon-shipping-v2.cancelShipment': { ratePerSecond: 80, burst: 100 },
  'amazon-shipping-v2.getTracking': { ratePerSecond: 80, burst: 100 },
  'amazon-mfn-mws.cancelShipment': { ratePerSecond: 5, burst: 10 },
  'amazon-mfn-mws.getShipment': { ratePerSecond: 5, burst: 10 },
  'amazon-mfn-v0.cancelShipment': { ratePerSecond: 1, burst: 1 },
  'amazon-mfn-v0.getShipment': { ratePerSecond: 1, burst: 1 },
  'tokens.createRestrictedDataToken': { ratePerSecond: 1, burst: 10 },
};

export interface TakeResult {
  allowed: boolean;
  /** Present when a limit is configured for the operation. */
  limit?: RateLimit;
  remaining?: number;
  fullAt?: number;
}

const UNLIMITED: TakeResult = { allowed: true };

/** One token bucket per (api.operation, selling partner); limits are configurable at run time. */
export class RateLimiter {
  private limits = new Map<string, RateLimit | null>();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(enabled: boolean) {
    this.reset(enabled);
  }

  reset(enabled: boolean): void {
    this.buckets.clear();
    this.limits = new Map(
      Object.entries(DEFAULT_RATE_LIMITS).map(([op, limit]) => [op, enabled ? limit : null]),
    );
  }

  take(operation: string, principal: string, now: number): TakeResult {
    const limit = this.limits.get(operation);
    if (!limit) return UNLIMITED;
    const key = `${operation}|${principal}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit.ratePerSecond, limit.burst, now);
      this.buckets.set(key, bucket);
    }
    const allowed = bucket.tryTake(now);
    return { allowed, limit, remaining: bucket.remaining(now), fullAt: bucket.fullAt(now) };
  }

  /** x-amzn-RateLimit-Limit: the configured rate, else the documented one (Amazon always has one). */
  headerValue(operation: string): string | undefined {
    const rate = (this.limits.get(operation) ?? DEFAULT_RATE_LIMITS[operation])?.ratePerSecond;
    if (rate === undefined) return undefined;
    return Number.isInteger(rate) ? rate.toFixed(1) : String(rate);
  }

  /**
   * PUT /__sandbox/rate-limits: `null` turns every limit off; otherwise keys are an api ("amazon-mfn-v0",
   * all its operations) or one operation ("amazon-mfn-v0.cancelShipment"), values a limit or null.
   */
  configure(body: unknown): void {
    if (body === null) {
      for (const op of this.limits.keys()) this.limits.set(op, null);
      this.buckets.clear();
      return;
    }
    const obj = asObject(body, 'rate-limits');
    const updates = new Map<string, RateLimit | null>();
    for (const [key, value] of Object.entries(obj)) {
      const ops = [...this.limits.keys()].filter((op) => op === key || op.startsWith(`${key}.`));
      if (ops.length === 0) {
        throw new InputError(`rate-limits.${key} is unknown (known: ${[...this.limits.keys()].join(', ')})`);
      }
      const limit = value === null ? null : parseLimit(value, `rate-limits.${key}`);
      for (const op of ops) updates.set(op, limit);
    }
    for (const [op, limit] of updates) {
      this.limits.set(op, limit);
      for (const bucketKey of [...this.buckets.keys()]) {
        if (bucketKey.startsWith(`${op}|`)) this.buckets.delete(bucketKey);
      }
    }
  }

  view(): Record<string, RateLimit | null> {
    return Object.fromEntries(this.limits);
  }
}

function parseLimit(value: unknown, path: string): RateLimit {
  const obj = asObject(value, path);
  const ratePerSecond = optionalNumber(obj, 'ratePerSecond', path, { min: 0.001 });
  const burst = optionalNumber(obj, 'burst', path, { min: 1 });
  if (ratePerSecond === undefined || burst === undefined)
    throw new InputError(`${path} needs ratePerSecond and burst`);
  return { ratePerSecond, burst };
}
