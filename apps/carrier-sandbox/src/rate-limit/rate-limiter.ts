import { asObject, InputError, optionalNumber } from '../control/control-input';
import { Arrival, ArrivalCount, Counted } from './arrival-count';
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
const ENFORCE_KEY = 'enforce';

/**
 * One token bucket per (api.operation, selling partner); limits are configurable at run time. Besides the
 * buckets that answer 429, every arrival is counted against the limit (see ArrivalCount), and enforcement
 * can be switched off so that a test sees the overruns a real Amazon would have refused.
 */
export class RateLimiter {
  private limits = new Map<string, RateLimit | null>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly arrivals = new ArrivalCount();
  private enforce = true;

  constructor(enabled: boolean) {
    this.reset(enabled);
  }

  reset(enabled: boolean): void {
    this.buckets.clear();
    this.arrivals.clear();
    this.enforce = true;
    this.limits = new Map(
      Object.entries(DEFAULT_RATE_LIMITS).map(([op, limit]) => [op, enabled ? limit : null]),
    );
  }

  /** Answers 429 when the bucket is empty, unless enforcement is off (then the quota is still reported). */
  take(operation: string, principal: string, now: number): TakeResult {
    const limit = this.limits.get(operation);
    if (!limit) return UNLIMITED;
    const key = `${operation}|${principal}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit.ratePerSecond, limit.burst, now);
      this.buckets.set(key, bucket);
    }
    const allowed = bucket.tryTake(now) || !this.enforce;
    return { allowed, limit, remaining: bucket.remaining(now), fullAt: bucket.fullAt(now) };
  }

  /**
   * A request for `operation` arrived at `now`, counted against the limit the operation has now; settle it once
   * its bucket is known (or it turns out not to be counted).
   */
  arrive(operation: string, now: number): Arrival {
    return this.arrivals.arrive(now, this.limits.get(operation) ?? undefined);
  }

  /** Counts the arrival against (operation, principal) if it arrived under a limit; returns the verdicts now due. */
  settle(arrival: Arrival, operation?: string, principal?: string): Counted[] {
    if (operation === undefined || principal === undefined) return this.arrivals.settle(arrival);
    return this.arrivals.settle(arrival, `${operation}|${principal}`);
  }

  /** x-amzn-RateLimit-Limit: the configured rate, else the documented one (Amazon always has one). */
  headerValue(operation: string): string | undefined {
    const rate = (this.limits.get(operation) ?? DEFAULT_RATE_LIMITS[operation])?.ratePerSecond;
    if (rate === undefined) return undefined;
    return Number.isInteger(rate) ? rate.toFixed(1) : String(rate);
  }

  /**
   * PUT /__sandbox/rate-limits: `null` turns every limit off; otherwise keys are an api ("amazon-mfn-v0",
   * all its operations) or one operation ("amazon-mfn-v0.cancelShipment"), values a limit or null; the key
   * `enforce` (boolean) switches the 429 answers on or off, the counting stays on either way.
   */
  configure(body: unknown): void {
    if (body === null) {
      for (const op of this.limits.keys()) this.limits.set(op, null);
      this.buckets.clear();
      return;
    }
    const obj = asObject(body, 'rate-limits');
    const enforce = obj[ENFORCE_KEY];
    if (enforce !== undefined && typeof enforce !== 'boolean')
      throw new InputError(`rate-limits.${ENFORCE_KEY} must be a boolean`);
    const updates = new Map<string, RateLimit | null>();
    for (const [key, value] of Object.entries(obj)) {
      if (key === ENFORCE_KEY) continue;
      const ops = [...this.limits.keys()].filter((op) => op === key || op.startsWith(`${key}.`));
      if (ops.length === 0) {
        throw new InputError(`rate-limits.${key} is unknown (known: ${[...this.limits.keys()].join(', ')})`);
      }
      const limit = value === null ? null : parseLimit(value, `rate-limits.${key}`);
      for (const op of ops) updates.set(op, limit);
    }
    if (enforce !== undefined) this.enforce = enforce;
    for (const [op, limit] of updates) {
      // Arrivals counted from now on carry the new limit, and start a bucket of it (see ArrivalCount).
      this.limits.set(op, limit);
      for (const bucketKey of [...this.buckets.keys()]) {
        if (bucketKey.startsWith(`${op}|`)) this.buckets.delete(bucketKey);
      }
    }
  }

  /** GET /__sandbox/rate-limits: each operation's limit (null = off) and whether 429s are answered. */
  view(): Record<string, RateLimit | null | boolean> {
    return { ...Object.fromEntries(this.limits), [ENFORCE_KEY]: this.enforce };
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
