// How long a granted token stays usable: until half the margin after its theoretical arrival time, counted from
// when the statement was sent. A quota booked into its burst tolerates a slow statement; a burst-1 quota does not.
import type { BucketKey, Clock, RateBudgetSettings } from '@oms/carrier-cancel';
import type { TokenGrant, TokenRequest } from '../../store/budget.store';
import { SharedRateBudget, type BudgetStatements } from './shared-rate-budget';

const MARGIN_MS = 50;
const clock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(() => resolve(true), ms)),
};
const key: BucketKey = { api: 'amazon-shipping-v2', operation: 'cancel', sellerAccount: 'seller-1' };

/** A store whose first grant answers after `roundTripMs` with `tokens`, and which grants nothing after that. */
function slowStore(
  roundTripMs: number,
  tokens: Omit<TokenGrant, keyof BucketKey>,
): BudgetStatements & {
  grants: number;
} {
  const store = {
    grants: 0,
    ensure: async () => undefined,
    drain: async () => undefined,
    observeRemaining: async () => undefined,
    setRate: async () => undefined,
    grant: async (requests: readonly TokenRequest[]): Promise<TokenGrant[]> => {
      store.grants += 1;
      await new Promise((resolve) => setTimeout(resolve, roundTripMs));
      return requests.map((r) => ({
        api: r.api,
        operation: r.operation,
        sellerAccount: r.sellerAccount,
        ...(store.grants === 1 ? tokens : { ...tokens, granted: 0, firstMs: 60_000, nextMs: 60_000 }),
      }));
    },
  };
  return store;
}

function budgetOver(store: BudgetStatements, limit: { ratePerSecond: number; burst: number }) {
  const settings: RateBudgetSettings = { limitFor: () => limit, marginMs: MARGIN_MS, clock };
  return new SharedRateBudget(store, settings, { horizonMs: 250 });
}

describe('SharedRateBudget token lifetime', () => {
  it('uses tokens of a quota with a burst after a statement slower than the margin', async () => {
    // 80/s burst 100, booked a whole burst ahead (the next token is free now, its theoretical arrival time is
    // the tolerance away: 96 tokens less one, 1,187.5 ms); the statement takes 60 ms.
    const store = slowStore(60, {
      granted: 5,
      firstMs: 0,
      intervalMs: 12.5,
      toleranceMs: 1_187.5,
      nextMs: 62.5,
      ratePerSecond: 80,
    });
    const budget = budgetOver(store, { ratePerSecond: 80, burst: 100 });
    const results = await Promise.all(Array.from({ length: 5 }, () => budget.acquire(key, 400)));
    budget.close();
    expect(results.map((r) => r.kind)).toEqual(Array(5).fill('acquired'));
    expect(store.grants).toBe(1);
  });

  it('drops the token of a burst-1 quota that came back later than half the margin', async () => {
    // 1/s burst 1: no tolerance, so the one token must go within 25 ms of its time; the statement takes 60 ms.
    const store = slowStore(60, {
      granted: 1,
      firstMs: 0,
      intervalMs: 1_050,
      toleranceMs: 0,
      nextMs: 1_050,
      ratePerSecond: 1,
    });
    const budget = budgetOver(store, { ratePerSecond: 1, burst: 1 });
    const result = await budget.acquire(key, 400);
    budget.close();
    expect(result.kind).toBe('too_late');
  });

  it('uses the token of a burst-1 quota when the statement is quick', async () => {
    const store = slowStore(0, {
      granted: 1,
      firstMs: 0,
      intervalMs: 1_050,
      toleranceMs: 0,
      nextMs: 1_050,
      ratePerSecond: 1,
    });
    const budget = budgetOver(store, { ratePerSecond: 1, burst: 1 });
    const result = await budget.acquire(key, 400);
    budget.close();
    expect(result.kind).toBe('acquired');
  });
});
