// A slow grant statement must not cost a full bucket's tokens, and must never let a token go early or late on
// Postgres's clock. The store here is a GCRA schedule on a clock of its own (far from the local one), read in
// the middle of each statement, as Postgres reads clock_timestamp() once it holds the row.
import type { BucketKey, Clock, RateBudgetSettings } from '@oms/carrier-cancel';
import { gcraSpacing } from '@oms/carrier-cancel';
import type { MetricsService } from '../../platform/metrics/metrics.service';
import type { TokenGrant, TokenRequest } from '../../store/budget.store';
import { SharedRateBudget, type BudgetStatements } from './shared-rate-budget';

const MARGIN_MS = 50;
const STORE_CLOCK_AHEAD_MS = 1_765_000_000_000;
const clock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(() => resolve(true), ms)),
};
const storeNow = (): number => performance.now() + STORE_CLOCK_AHEAD_MS;
const key: BucketKey = { api: 'amazon-shipping-v2', operation: 'cancel', sellerAccount: 'seller-1' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One quota's schedule, as GRANT_TOKENS keeps it; each statement takes `roundTripMs(n)` for the n-th call. */
function gcraStore(limit: { ratePerSecond: number; burst: number }, roundTripMs: (n: number) => number) {
  const { intervalMs, toleranceMs } = gcraSpacing(limit.ratePerSecond, limit.burst, MARGIN_MS);
  let tat = 0;
  const store = {
    statements: 0,
    /** Each token's window on the store's clock: free, and theoretical arrival time. */
    granted: [] as Array<{ free: number; theoretical: number }>,
    ensure: async () => undefined,
    /** Postgres's clock read at once (an idle server). */
    readClock: async () => storeNow(),
    drain: async () => undefined,
    observeRemaining: async () => undefined,
    setRate: async () => undefined,
    grant: async (requests: readonly TokenRequest[], horizonMs: number, leadMs: number, slackMs: number) => {
      const rtt = roundTripMs(store.statements++);
      await sleep(rtt / 2);
      const now = storeNow();
      const base = Math.max(tat, now + leadMs + Math.min(slackMs, toleranceMs));
      const first = base - toleranceMs;
      const rows: TokenGrant[] = requests.map((r) => {
        const granted = Math.min(
          r.wanted,
          Math.max(0, Math.floor((now + horizonMs - first) / intervalMs) + 1),
        );
        for (let k = 0; k < granted; k++)
          store.granted.push({
            free: Math.max(now + leadMs, first + k * intervalMs),
            theoretical: base + k * intervalMs,
          });
        tat = base + granted * intervalMs;
        return {
          ...r,
          granted,
          nowMs: now,
          firstMs: first - now,
          intervalMs,
          toleranceMs,
          nextMs: tat - toleranceMs - now,
          ratePerSecond: limit.ratePerSecond,
        };
      });
      await sleep(rtt / 2);
      return rows;
    },
  } satisfies BudgetStatements & Record<string, unknown>;
  return store;
}

function budgetOver(store: BudgetStatements, limit: { ratePerSecond: number; burst: number }) {
  const settings: RateBudgetSettings = { limitFor: () => limit, marginMs: MARGIN_MS, clock };
  return new SharedRateBudget(store, settings, { horizonMs: 250 });
}

/** Every call takes a token and writes at once, noting when (store clock) it was written. */
async function sendTimes(budget: SharedRateBudget, calls: number, maxWaitMs: number) {
  const sent: number[] = [];
  const results = await Promise.all(
    Array.from({ length: calls }, async () => {
      const result = await budget.acquire(key, maxWaitMs);
      if (result.kind !== 'acquired') return result.kind;
      if (result.mayWrite?.() === false) return 'window closed';
      sent.push(storeNow());
      return result.kind;
    }),
  );
  budget.close();
  return { results, sent: sent.sort((a, b) => a - b) };
}

/** `calls` tokens taken at once from a full bucket (80/s, burst 100): each call's check before it writes. */
async function fullBucketWrites(calls: number): Promise<Array<(() => boolean) | undefined>> {
  const limit = { ratePerSecond: 80, burst: 100 };
  const budget = budgetOver(
    gcraStore(limit, () => 0),
    limit,
  );
  const results = await Promise.all(Array.from({ length: calls }, () => budget.acquire(key, 1_000)));
  budget.close();
  return results.map((r) => (r.kind === 'acquired' ? r.mayWrite : undefined));
}

describe('SharedRateBudget', () => {
  it('uses a full bucket at once although every statement takes longer than the margin', async () => {
    const limit = { ratePerSecond: 80, burst: 100 };
    // One quick statement (the process's first, at start-up), then every one takes 60 ms.
    const store = gcraStore(limit, (n) => (n === 0 ? 0 : 60));
    const budget = budgetOver(store, limit);
    await budget.acquire({ ...key, sellerAccount: 'warm-up' }, 1_000);
    const started = storeNow();
    const { results, sent } = await sendTimes(budget, 40, 2_000);
    expect(results).toEqual(Array(40).fill('acquired'));
    // A bucket of 100 lets 40 go at once: all within two statements and the lead, not one per interval.
    expect((sent.at(-1) as number) - started).toBeLessThan(400);
  });

  it("dates a burst's first tokens by the clock read while idle, not by its own slow grant", async () => {
    const limit = { ratePerSecond: 80, burst: 100 };
    // The grant statement takes 100 ms (a loaded Postgres): on its own it could date a token no better than that,
    // and the first tokens of the burst (open a margin and a half) would close before it answered.
    const store = gcraStore(limit, () => 100);
    const budget = budgetOver(store, limit);
    budget.start();
    await sleep(20);
    const { results } = await sendTimes(budget, 40, 2_000);
    expect(results).toEqual(Array(40).fill('acquired'));
    // One grant served all 40: none had to ask again for a token that closed before the answer came.
    expect(store.statements).toBe(1);
  });

  it('says how long the oldest granted request has waited to be written', async () => {
    const limit = { ratePerSecond: 80, burst: 100 };
    const budget = budgetOver(
      gcraStore(limit, () => 0),
      limit,
    );
    expect(budget.unwrittenMs).toBe(0);
    const [first, second] = await Promise.all([budget.acquire(key, 1_000), budget.acquire(key, 1_000)]);
    budget.close();
    if (first?.kind !== 'acquired' || second?.kind !== 'acquired') throw new Error('no tokens');
    await sleep(30);
    expect(budget.unwrittenMs).toBeGreaterThanOrEqual(25);
    first.mayWrite?.();
    second.mayWrite?.();
    expect(budget.unwrittenMs).toBe(0);
  });

  it('presses while calls wait for tokens due now or hold unwritten ones, and not for a quota with no real limit', async () => {
    const limit = { ratePerSecond: 20, burst: 20 };
    const budget = budgetOver(
      gcraStore(limit, () => 10),
      limit,
    );
    expect(budget.pressing).toBe(false);
    const pending = Promise.all([budget.acquire(key, 1_000), budget.acquire(key, 1_000)]);
    // Waiting for a full bucket's tokens, which the grant dates within a few ms.
    expect(budget.pressing).toBe(true);
    const [first, second] = await pending;
    if (first?.kind !== 'acquired' || second?.kind !== 'acquired') throw new Error('no tokens');
    // Released, not written: their windows are closing.
    expect(budget.pressing).toBe(true);
    first.mayWrite?.();
    expect(budget.pressing).toBe(true);
    second.mayWrite?.();
    expect(budget.pressing).toBe(false);
    // A request given up unsent leaves its claim behind: once its window has closed it presses no more.
    const [third] = await Promise.all([budget.acquire(key, 1_000)]);
    if (third?.kind !== 'acquired') throw new Error('no token');
    expect(budget.pressing).toBe(true);
    await sleep(1_200);
    expect(budget.pressing).toBe(false);
    budget.close();

    const unlimited = { ratePerSecond: 1_000_000, burst: 1_000_000 };
    const free = budgetOver(
      gcraStore(unlimited, () => 10),
      unlimited,
    );
    const waiting = free.acquire(key, 1_000);
    expect(free.pressing).toBe(false);
    await waiting;
    free.close();
  });

  it("writes a full bucket's requests in any order: each goes with the open token that closes first", async () => {
    const writes = await fullBucketWrites(40);
    // The last call released reaches its socket first, the first last, about 7 ms apart (fresh connections): the
    // first calls' own tokens (open for half the margin, then one interval more each) have closed long before;
    // each write takes the open token that closes first, and the burst's tokens close one interval (12.5 ms) apart.
    const written: Array<boolean | undefined> = [];
    for (const write of writes.reverse()) {
      written.push(write?.());
      await sleep(6);
    }
    expect(written).toEqual(Array(40).fill(true));
  });

  it('answers whether a request could be written without using a token up, and commits only on the write', async () => {
    const limit = { ratePerSecond: 80, burst: 100 };
    const budget = budgetOver(
      gcraStore(limit, () => 0),
      limit,
    );
    const [first, second] = await Promise.all([budget.acquire(key, 1_000), budget.acquire(key, 1_000)]);
    budget.close();
    if (first?.kind !== 'acquired' || second?.kind !== 'acquired') throw new Error('no tokens');
    expect([first.canWrite?.(), first.canWrite?.(), second.canWrite?.()]).toEqual([true, true, true]);
    expect(first.mayWrite?.()).toBe(true);
    // Written: its claim is gone, so asking again says no, and the other call still may.
    expect(first.canWrite?.()).toBe(false);
    expect(second.canWrite?.()).toBe(true);
    await sleep(130);
    expect(second.canWrite?.()).toBe(false);
  });

  it('does not write a request once every token released has closed', async () => {
    const writes = await fullBucketWrites(3);
    // Three tokens of a full bucket close within half the margin, the slack and two intervals (100 ms).
    await sleep(130);
    expect(writes.map((write) => write?.())).toEqual([false, false, false]);
  });

  it("gives a full bucket's first token the slack of a margin to be written, and a burst-1 token none", async () => {
    const [first] = await fullBucketWrites(1);
    // Half the margin (25 ms) is gone; the slack (50 ms) keeps the token open.
    await sleep(45);
    expect(first?.()).toBe(true);
    const limit = { ratePerSecond: 10, burst: 1 };
    const budget = budgetOver(
      gcraStore(limit, () => 0),
      limit,
    );
    const paced = await budget.acquire(key, 1_000);
    budget.close();
    await sleep(45);
    expect(paced.kind === 'acquired' && paced.mayWrite?.()).toBe(false);
  });

  it('counts the calls a quota booked ahead holds back as parked, and says when calls park', async () => {
    // One token every 250 ms (a burst-1 quota spaced by its interval plus the margin): the 250 ms horizon holds
    // two, and the next refill is asked for more than 300 ms later, however slow this machine is meanwhile.
    const limit = { ratePerSecond: 5, burst: 1 };
    let parkings = 0;
    const budget = new SharedRateBudget(
      gcraStore(limit, () => 0),
      { limitFor: () => limit, marginMs: MARGIN_MS, clock },
      { horizonMs: 250, onParked: () => (parkings += 1) },
    );
    const calls = Array.from({ length: 4 }, () => budget.acquire(key, 5_000));
    // Nothing is booked yet: the calls wait for the first statement, which this process holds up.
    expect(budget.parked).toBe(0);
    // The first statement granted two tokens (the first call goes at once): the last two calls wait for a refill.
    expect((await calls[0])?.kind).toBe('acquired');
    expect(budget.parked).toBe(2);
    expect(parkings).toBe(1);
    // The account's calls wait on its quota booked ahead; another account's do not.
    expect(budget.bookedAhead(`${key.api}|${key.sellerAccount}`)).toBe(true);
    expect(budget.bookedAhead(`${key.api}|seller-2`)).toBe(false);
    const fifth = budget.acquire(key, 5_000);
    expect(budget.parked).toBe(3);
    expect(parkings).toBe(2);
    const results = await Promise.all([...calls, fifth]);
    expect(results.map((r) => r.kind)).toEqual(Array(5).fill('acquired'));
    expect(budget.parked).toBe(0);
    expect(budget.bookedAhead(`${key.api}|${key.sellerAccount}`)).toBe(false);
    budget.close();
  });

  it('counts the tokens that close before a waiter can take them as expired', async () => {
    const limit = { ratePerSecond: 10, burst: 1 };
    // Burst 1: a paced token is open until half the margin (25 ms) after its time. The first statement takes
    // 120 ms, so its token cannot be dated precisely enough to be open when the answer comes; the next take 2 ms.
    const store = gcraStore(limit, (n) => (n === 0 ? 120 : 2));
    const counted: Array<{ result: string; n: number }> = [];
    const metrics = {
      budgetTokens: {
        inc: (labels: { result: string }, n = 1) => counted.push({ result: labels.result, n }),
      },
    } as unknown as MetricsService;
    const settings: RateBudgetSettings = { limitFor: () => limit, marginMs: MARGIN_MS, clock };
    const budget = new SharedRateBudget(store, settings, { horizonMs: 250, metrics });
    const result = await budget.acquire(key, 1_000);
    budget.close();
    expect(result.kind).toBe('acquired');
    expect(counted).toEqual([
      { result: 'granted', n: 1 },
      { result: 'expired', n: 1 },
      { result: 'granted', n: 1 },
    ]);
  });

  it('creates a quota while work for it is on its way, so its first grant does not wait for the insert', async () => {
    const limit = { ratePerSecond: 80, burst: 100 };
    const store = gcraStore(limit, () => 0);
    const inserts: string[][] = [];
    let failNext = true;
    const ensure = async (limits: readonly { sellerAccount: string }[]): Promise<void> => {
      inserts.push(limits.map((l) => l.sellerAccount));
      await sleep(30);
      if (failNext) {
        failNext = false;
        throw new Error('connection lost');
      }
    };
    const budget = budgetOver({ ...store, ensure }, limit);
    const other = { ...key, sellerAccount: 'seller-2' };
    // Prepared once per quota, however many items name it; the first insert fails.
    budget.prepare([key, key, other]);
    expect(inserts).toEqual([['seller-1', 'seller-2']]);
    await sleep(40);
    // The grant inserts what the failed attempt left out, then goes on.
    expect((await budget.acquire(key, 1_000)).kind).toBe('acquired');
    expect(inserts).toEqual([['seller-1', 'seller-2'], ['seller-1']]);
    // A quota prepared while no call waits is inserted at once; the call that comes meanwhile waits for that
    // insert instead of making another, and prepared again it is not inserted again.
    budget.prepare([other]);
    const acquired = budget.acquire(other, 1_000);
    budget.prepare([other]);
    expect((await acquired).kind).toBe('acquired');
    budget.prepare([other]);
    budget.close();
    expect(inserts).toEqual([['seller-1', 'seller-2'], ['seller-1'], ['seller-2']]);
  });

  it('never sends a token before it is free, nor later than half the margin after its theoretical time', async () => {
    const limit = { ratePerSecond: 20, burst: 5 };
    const store = gcraStore(limit, (n) => [0, 40, 5, 70, 20][n % 5] as number);
    const budget = budgetOver(store, limit);
    const { results, sent } = await sendTimes(budget, 30, 5_000);
    expect(results).toEqual(Array(30).fill('acquired'));
    // Each send matches a token whose window holds it (timers may fire a little late in a busy test process; a
    // token is dropped rather than sent late).
    const windows = [...store.granted].sort((a, b) => a.theoretical - b.theoretical);
    for (const time of sent) {
      const token = windows.findIndex((w) => w.free <= time && time <= w.theoretical + MARGIN_MS / 2);
      expect(token).toBeGreaterThanOrEqual(0);
      windows.splice(token, 1);
    }
    // And, arriving up to another half margin later, never beyond the carrier's bucket of rate and burst.
    for (const delay of [0, MARGIN_MS / 2])
      expect(
        overLimit(
          sent.map((t, i) => t + (i % 2) * delay),
          limit,
        ),
      ).toBe(0);
  });
});

/** Arrivals a strict token bucket of the limit (full at first) has no token for, as the sandbox counts them. */
function overLimit(arrivals: number[], limit: { ratePerSecond: number; burst: number }): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let tokens = limit.burst;
  let last = sorted[0] ?? 0;
  let over = 0;
  for (const at of sorted) {
    tokens = Math.min(limit.burst, tokens + ((at - last) * limit.ratePerSecond) / 1000);
    last = at;
    if (tokens >= 1) tokens -= 1;
    else over += 1;
  }
  return over;
}
