import { RateLimiter } from './rate-limiter';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst, refuses the next call, then refills at the rate', () => {
    const bucket = new TokenBucket(5, 10, 0);
    for (let i = 0; i < 10; i++) expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(0)).toBe(false);
    expect(bucket.tryTake(199)).toBe(false);
    expect(bucket.tryTake(200)).toBe(true); // 5/s = one token per 200 ms
    expect(bucket.tryTake(200)).toBe(false);
    expect(bucket.remaining(10_000)).toBe(10); // never above burst
  });

  it('counts the time it sat full: capacity a caller with work left unused', () => {
    const bucket = new TokenBucket(10, 4, 0);
    expect(bucket.fullMs(500)).toBe(500); // made full, nothing taken for 500 ms
    for (let i = 0; i < 4; i++) bucket.tryTake(500);
    // Empty at 500 ms, full again 400 ms later; the 100 ms after that are idle.
    expect(bucket.fullMs(900)).toBe(500);
    expect(bucket.level(900)).toBeCloseTo(4);
    expect(bucket.fullMs(1_000)).toBeCloseTo(600);
    bucket.tryTake(1_000);
    expect(bucket.fullMs(1_050)).toBeCloseTo(600);
    expect(bucket.level(1_050)).toBeCloseTo(3.5);
  });
});

describe('RateLimiter', () => {
  it('keeps one bucket per operation and principal, with the documented defaults', () => {
    const limiter = new RateLimiter(true);
    expect(limiter.take('amazon-mfn-v0.cancelShipment', 'seller-a', 0).allowed).toBe(true);
    expect(limiter.take('amazon-mfn-v0.cancelShipment', 'seller-a', 0).allowed).toBe(false);
    expect(limiter.take('amazon-mfn-v0.cancelShipment', 'seller-b', 0).allowed).toBe(true);
    expect(limiter.take('amazon-mfn-v0.getShipment', 'seller-a', 0).allowed).toBe(true);
    expect(limiter.headerValue('amazon-shipping-v2.cancelShipment')).toBe('80.0');
  });

  it('is configured per api or per operation, and off with null', () => {
    const limiter = new RateLimiter(true);
    limiter.configure({
      'amazon-shipping-v2': { ratePerSecond: 2.5, burst: 1 },
      'amazon-mfn-v0.getShipment': null,
    });
    expect(limiter.view()['amazon-shipping-v2.getTracking']).toEqual({ ratePerSecond: 2.5, burst: 1 });
    expect(limiter.headerValue('amazon-shipping-v2.cancelShipment')).toBe('2.5');
    expect(limiter.take('amazon-mfn-v0.getShipment', 'p', 0).limit).toBeUndefined();
    expect(() => limiter.configure({ 'amazon-shipping-v3': null })).toThrow(/unknown/);
    limiter.configure(null);
    const { enforce, ...limits } = limiter.view();
    expect(enforce).toBe(true);
    expect(Object.values(limits).every((v) => v === null)).toBe(true);
    // Disabled limits still report the documented rate, as Amazon always has one.
    expect(limiter.headerValue('amazon-shipping-v2.cancelShipment')).toBe('80.0');
  });

  it('lets everything through with enforce off, still reporting the quota, until a reset', () => {
    const limiter = new RateLimiter(true);
    limiter.configure({ enforce: false });
    expect(limiter.view()['enforce']).toBe(false);
    expect(limiter.take('amazon-mfn-v0.cancelShipment', 'p', 0).allowed).toBe(true);
    const second = limiter.take('amazon-mfn-v0.cancelShipment', 'p', 0);
    expect(second).toMatchObject({ allowed: true, remaining: 0 });
    expect(() => limiter.configure({ enforce: 'no' })).toThrow(/boolean/);
    limiter.reset(true);
    limiter.take('amazon-mfn-v0.cancelShipment', 'p', 0);
    expect(limiter.take('amazon-mfn-v0.cancelShipment', 'p', 0).allowed).toBe(false);
  });
});
