// Where a carrier quota is kept. One process keeps it in memory (RateLimiter); several processes calling Amazon
// for the same seller accounts share one budget elsewhere (the service keeps it in Postgres). Either way every
// HTTP attempt takes a token from it first, and what Amazon says about its quota flows back into it.
import type { Clock } from '../retry/clock';

/** One Amazon quota: an operation of an API, for one seller account. */
export interface BucketKey {
  api: string;
  operation: string;
  sellerAccount: string;
}

/** The operation name every adapter's cancel call takes its tokens under. */
export const CANCEL_OPERATION = 'cancel';

/** The quota a cancel of `api` for `sellerAccount` takes its tokens from. */
export function cancelQuota(api: string, sellerAccount: string): BucketKey {
  return { api, operation: CANCEL_OPERATION, sellerAccount };
}

export type AcquireResult =
  // mayWrite: asked once, on a connected socket right before the request is written. True: write it now. False:
  // the token's window closed while the request waited for a connection (and no other open token of the quota
  // could stand in): the request is not sent, and the caller takes another token. Absent: no window.
  // canWrite: the same question without an answer that counts, asked when a connection is free for the request
  // and before it goes to one: false and it is not sent. Absent: no window.
  | { kind: 'acquired'; waitedMs: number; mayWrite?: () => boolean; canWrite?: () => boolean }
  | { kind: 'too_late'; waitMs: number }
  | { kind: 'aborted' };

/** What Amazon's MWS bridge reports in `ResponseHeaderMetadata`: the quota's size and what is left of it now. */
export interface QuotaReport {
  max?: number;
  remaining: number;
}

export interface RateBudget {
  /** Takes a token, waiting for it unless that would take longer than `maxWaitMs`; the caller sends at once. */
  acquire(key: BucketKey, maxWaitMs: number, signal?: AbortSignal): Promise<AcquireResult>;
  /** ms until a token is likely free for this key (0 = now or unknown): a hint for when to retry. */
  nextTokenInMs(key: BucketKey): number;
  /** Amazon answered 429: its bucket is empty, whatever the budget thought. */
  throttled(key: BucketKey): void;
  /** Amazon reported its rate (x-amzn-RateLimit-Limit); returns the rate now in use if it changed. */
  observeLimit(key: BucketKey, ratePerSecond: number): number | undefined;
  /** Amazon reported how much of the quota is left (MWS `QuotaRemaining`): the budget never assumes more. */
  observeQuota(key: BucketKey, quota: QuotaReport): void;
}

/** The limits a budget enforces, as the carrier client resolved them from its configuration. */
export interface RateBudgetSettings {
  limitFor(api: string, operation: string): { ratePerSecond: number; burst: number };
  /** See `gcraSpacing`. */
  marginMs: number;
  clock: Clock;
}

/** Builds the budget a carrier client uses, from the limits it resolved. */
export type RateBudgetFactory = (settings: RateBudgetSettings) => RateBudget;

/** A quota as a schedule: tokens `intervalMs` apart, up to `toleranceMs` early (a burst). */
export interface Spacing {
  intervalMs: number;
  toleranceMs: number;
}

/**
 * The generic cell rate algorithm's parameters for a quota, with `marginMs` of safety: Amazon counts arrivals,
 * not sends, so a request that travels faster than an earlier one arrives early. Sends spaced by this schedule
 * and each late by at most the margin never exceed rate and burst on arrival. The margin comes off the burst;
 * when the burst cannot absorb it (burst 1), off the spacing instead.
 */
export function gcraSpacing(ratePerSecond: number, burst: number, marginMs: number): Spacing {
  const interval = 1000 / ratePerSecond;
  const capacity = burst - (ratePerSecond * marginMs) / 1000;
  return capacity >= 1
    ? { intervalMs: interval, toleranceMs: (capacity - 1) * interval }
    : { intervalMs: interval + marginMs, toleranceMs: 0 };
}

/** A budget that can be swapped for a shared one after the client is built (the service wires Postgres in). */
export class SwitchableBudget implements RateBudget {
  constructor(private target: RateBudget) {}

  use(target: RateBudget): void {
    this.target = target;
  }

  acquire(key: BucketKey, maxWaitMs: number, signal?: AbortSignal): Promise<AcquireResult> {
    return this.target.acquire(key, maxWaitMs, signal);
  }

  nextTokenInMs(key: BucketKey): number {
    return this.target.nextTokenInMs(key);
  }

  throttled(key: BucketKey): void {
    this.target.throttled(key);
  }

  observeLimit(key: BucketKey, ratePerSecond: number): number | undefined {
    return this.target.observeLimit(key, ratePerSecond);
  }

  observeQuota(key: BucketKey, quota: QuotaReport): void {
    this.target.observeQuota(key, quota);
  }
}
