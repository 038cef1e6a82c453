import { VirtualClock } from '../retry/clock';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  const setup = (rate: number, burst: number) => {
    const clock = new VirtualClock();
    return { clock, bucket: new TokenBucket(rate, burst, () => clock.now()) };
  };

  it('serves the burst at once, then one reservation per 1/rate, in order', () => {
    const { bucket } = setup(5, 10);
    const waits = Array.from({ length: 13 }, () => bucket.reserve());
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits.slice(10)).toEqual([200, 400, 600]);
  });

  it('refills at the rate, never above the burst', () => {
    const { bucket, clock } = setup(5, 10);
    for (let i = 0; i < 10; i++) bucket.reserve();
    expect(bucket.nextTokenInMs()).toBe(200);
    clock.advance(100);
    expect(bucket.nextTokenInMs()).toBe(100);
    clock.advance(100);
    expect(bucket.nextTokenInMs()).toBe(0);
    clock.advance(60_000);
    const waits = Array.from({ length: 11 }, () => bucket.reserve());
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
  });

  it('nextTokenInMs counts queued reservations and reserves nothing itself', () => {
    const { bucket } = setup(1, 1);
    expect(bucket.nextTokenInMs()).toBe(0);
    expect(bucket.nextTokenInMs()).toBe(0);
    bucket.reserve();
    bucket.reserve();
    expect(bucket.nextTokenInMs()).toBe(2000);
  });

  it('takes nothing when the wait would exceed maxWaitMs', () => {
    const { bucket } = setup(1, 1);
    expect(bucket.reserve(0)).toBe(0);
    expect(bucket.reserve(999)).toBeUndefined();
    expect(bucket.nextTokenInMs()).toBe(1000);
    expect(bucket.reserve(1000)).toBe(1000);
  });

  it('release gives an unused reservation back', () => {
    const { bucket } = setup(1, 1);
    bucket.reserve();
    bucket.reserve();
    bucket.release();
    expect(bucket.nextTokenInMs()).toBe(1000);
  });

  it('drain empties the bucket after Amazon answered 429', () => {
    const { bucket } = setup(5, 10);
    bucket.drain();
    expect(bucket.nextTokenInMs()).toBe(200);
  });

  it('x-amzn-RateLimit-Limit lowers the rate but never raises it above the configured one', () => {
    const { bucket } = setup(80, 1);
    bucket.reserve();
    expect(bucket.nextTokenInMs()).toBeCloseTo(12.5);
    bucket.observeLimit(5);
    expect(bucket.ratePerSecond).toBe(5);
    expect(bucket.nextTokenInMs()).toBeCloseTo(200);
    bucket.observeLimit(500);
    expect(bucket.ratePerSecond).toBe(80);
    bucket.observeLimit(Number.NaN);
    expect(bucket.ratePerSecond).toBe(80);
  });

  it('a margin comes off the burst: any window of sends stays within burst + rate * (span - margin)', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(5, 10, () => clock.now(), 50);
    const sends: number[] = [];
    for (let i = 0; i < 40; i++) sends.push(clock.now() + (bucket.reserve() ?? Number.NaN));
    const at = (i: number) => sends[i] ?? Number.NaN;
    expect(sends.slice(0, 9)).toEqual(Array(9).fill(0));
    expect(at(9)).toBeCloseTo(50);
    expect(at(10) - at(9)).toBeCloseTo(200);
    for (let i = 0; i < sends.length; i++) {
      for (let j = i; j < sends.length; j++) {
        expect(j - i + 1).toBeLessThanOrEqual(10 + (5 * (at(j) - at(i) - 50)) / 1000 + 1e-9);
      }
    }
  });

  it('with burst 1 the margin widens the spacing instead', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(1, 1, () => clock.now(), 50);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 1050, 2100]);
  });

  it('rejects nonsense settings', () => {
    expect(() => new TokenBucket(0, 1, () => 0)).toThrow();
    expect(() => new TokenBucket(1, 0, () => 0)).toThrow();
    expect(() => new TokenBucket(1, 1, () => 0, -1)).toThrow();
  });
});

describe('TokenBucket and what Amazon reports', () => {
  it('never holds more tokens than Amazon says are left (MWS QuotaRemaining)', () => {
    let now = 0;
    const bucket = new TokenBucket(5, 10, () => now);
    bucket.observeRemaining(2);
    expect(bucket.reserve(0)).toBe(0);
    expect(bucket.reserve(0)).toBe(0);
    expect(bucket.reserve(0)).toBeUndefined();
    now = 200;
    expect(bucket.reserve(0)).toBe(0);
  });

  it('ignores a report of more than it holds, and nonsense', () => {
    const bucket = new TokenBucket(1, 1, () => 0);
    bucket.reserve();
    bucket.observeRemaining(10);
    bucket.observeRemaining(Number.NaN);
    expect(bucket.nextTokenInMs()).toBe(1_000);
  });
});
