import { systemClock, VirtualClock } from '../retry/clock';
import { RateLimiter } from './rate-limiter';

const key = (sellerAccount: string, operation = 'cancel') => ({
  api: 'amazon-mfn-v0',
  operation,
  sellerAccount,
});

describe('RateLimiter', () => {
  it('keeps one bucket per api, operation and seller account', () => {
    const limiter = new RateLimiter(new VirtualClock(), () => ({ ratePerSecond: 1, burst: 1 }));
    limiter.bucket(key('a')).reserve();
    expect(limiter.nextTokenInMs(key('a'))).toBe(1000);
    expect(limiter.nextTokenInMs(key('b'))).toBe(0);
    expect(limiter.nextTokenInMs(key('a', 'getShipment'))).toBe(0);
    expect(limiter.nextTokenInMs({ ...key('a'), api: 'amazon-mfn-mws' })).toBe(0);
  });

  it('waits with one sleep of exactly the reserved time (no polling)', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, () => ({ ratePerSecond: 5, burst: 1 }));
    await limiter.acquire(key('a'), 10_000);
    const second = await limiter.acquire(key('a'), 10_000);
    expect(second).toEqual({ kind: 'acquired', waitedMs: 200 });
    expect(clock.sleeps).toEqual([200]);
  });

  it('refuses without taking a token when the wait exceeds the budget', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(clock, () => ({ ratePerSecond: 1, burst: 1 }));
    await limiter.acquire(key('a'), 10_000);
    expect(await limiter.acquire(key('a'), 500)).toEqual({ kind: 'too_late', waitMs: 1000 });
    expect(limiter.nextTokenInMs(key('a'))).toBe(1000);
  });

  it('an aborted wait returns its token', async () => {
    const limiter = new RateLimiter(systemClock, () => ({ ratePerSecond: 1, burst: 1 }));
    await limiter.acquire(key('a'), 10_000);
    const controller = new AbortController();
    const waiting = limiter.acquire(key('a'), 10_000, controller.signal);
    controller.abort();
    expect(await waiting).toEqual({ kind: 'aborted' });
    expect(limiter.nextTokenInMs(key('a'))).toBeLessThanOrEqual(1000);
    expect(limiter.nextTokenInMs(key('a'))).toBeGreaterThan(900);
  });

  it("one account's queue neither delays another account nor blocks the event loop", async () => {
    const limiter = new RateLimiter(systemClock, () => ({ ratePerSecond: 4, burst: 1 }));
    const started = performance.now();
    const done: string[] = [];
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const queueA = [1, 2, 3].map((i) => limiter.acquire(key('a'), 10_000).then(() => done.push(`a${i}`)));
    const b = limiter.acquire(key('b'), 10_000).then(() => {
      done.push('b');
      return performance.now() - started;
    });
    expect(await b).toBeLessThan(50);
    await Promise.all(queueA);
    clearInterval(ticker);
    expect(done).toEqual(['a1', 'b', 'a2', 'a3']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(495);
    // ~500 ms of waiting with timers leaves the loop free for the interval to run.
    expect(ticks).toBeGreaterThanOrEqual(10);
  });
});
