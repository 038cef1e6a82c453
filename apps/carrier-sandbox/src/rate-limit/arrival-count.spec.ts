import { ArrivalCount } from './arrival-count';
import { RateLimiter } from './rate-limiter';

const V0 = { ratePerSecond: 1, burst: 1 };

describe('ArrivalCount', () => {
  it('counts burst + 1 simultaneous arrivals as one over the limit', () => {
    const count = new ArrivalCount();
    const limit = { ratePerSecond: 10, burst: 3 };
    const verdicts = [0, 0, 0, 0].map(() => count.settle(count.arrive(1_000, limit), 'op|s'));
    expect(verdicts.flat().map((v) => v.over)).toEqual([false, false, false, true]);
  });

  it('counts nothing over while arrivals keep to the rate', () => {
    const count = new ArrivalCount();
    const verdicts = [0, 1_000, 2_000, 3_000, 3_999, 5_500].map((at) =>
      count.settle(count.arrive(at, V0), 'op|s'),
    );
    // 3,999 ms is 1 ms early: the only overrun.
    expect(verdicts.flat().map((v) => v.over)).toEqual([false, false, false, false, true, false]);
    // The one over carries the arrivals before it on its bucket: 3,999 ms came 999 ms after the last.
    expect(verdicts.flat()[4]).toMatchObject({ at: 3_999, before: [0, 1_000, 2_000, 3_000] });
  });

  it('judges in arrival order, though a delayed request reaches its bucket later than the one after it', () => {
    const count = new ArrivalCount();
    const first = count.arrive(0, V0);
    const second = count.arrive(1_000, V0);
    // The second settles first (the first is in a latency delay): nothing can be judged yet.
    expect(count.settle(second, 'op|s')).toMatchObject([]);
    expect(count.pending).toBe(2);
    expect(count.settle(first, 'op|s')).toMatchObject([
      { key: 'op|s', over: false },
      { key: 'op|s', over: false },
    ]);
    expect(count.pending).toBe(0);
  });

  it('skips uncounted arrivals and keeps a bucket per key', () => {
    const count = new ArrivalCount();
    const held = count.arrive(0, V0);
    const a = count.settle(count.arrive(0, V0), 'op|a');
    const b = count.settle(count.arrive(0, V0), 'op|b');
    expect([...a, ...b]).toEqual([]);
    expect(count.settle(held)).toMatchObject([
      { key: 'op|a', over: false },
      { key: 'op|b', over: false },
    ]);
    expect(count.settle(held)).toMatchObject([]);
  });

  it('tells after each arrival how long its bucket sat full and what it has left', () => {
    const count = new ArrivalCount();
    const limit = { ratePerSecond: 10, burst: 2 };
    // Two at once empty the bucket; it is full again at 200 ms and sits idle until the third at 500 ms.
    const verdicts = [0, 0, 500, 600].flatMap((at) => count.settle(count.arrive(at, limit), 'op|s'));
    expect(verdicts.map((v) => [v.fullMs, v.left])).toEqual([
      [0, 1],
      [0, 0],
      [300, 1],
      [300, 1],
    ]);
    // What the bench reads: last − first = (arrivals − burst + left) / rate + full.
    const last = verdicts[3] as (typeof verdicts)[number];
    expect(((4 - 2 + last.left) / 10) * 1000 + last.fullMs).toBeCloseTo(600 - 0);
  });

  it('starts a full bucket of the new limit at the first arrival under it', () => {
    const count = new ArrivalCount();
    const next = { ...V0 };
    const verdicts = [V0, next, next].map((limit) => count.settle(count.arrive(0, limit), 'op|s'));
    expect(verdicts.flat().map((v) => v.over)).toEqual([false, false, true]);
  });
});

describe('RateLimiter counting', () => {
  it('counts only operations with a limit, and counts whether enforced or not', () => {
    const limiter = new RateLimiter(true);
    limiter.configure({ enforce: false, 'amazon-mfn-v0.getShipment': null });
    const settle = (op: string) => limiter.settle(limiter.arrive(op, 0), op, 'seller');
    expect(settle('amazon-mfn-v0.cancelShipment')).toMatchObject([
      { key: 'amazon-mfn-v0.cancelShipment|seller', over: false },
    ]);
    expect(settle('amazon-mfn-v0.cancelShipment')).toMatchObject([
      { key: 'amazon-mfn-v0.cancelShipment|seller', over: true },
    ]);
    expect(settle('amazon-mfn-v0.getShipment')).toMatchObject([]);
  });

  it('judges a request by the limit it arrived under, though it settles after the limit changed', () => {
    const op = 'amazon-shipping-v2.cancelShipment';
    const limiter = new RateLimiter(true);
    limiter.configure({ [op]: { ratePerSecond: 10, burst: 5 } });
    // A request in a latency delay (refused later for its token: not counted) holds back the judging of one
    // that arrived after it, under the squeeze.
    const delayed = limiter.arrive(op, 0);
    expect(limiter.settle(limiter.arrive(op, 1), op, 'seller')).toEqual([]);
    limiter.configure({ [op]: { ratePerSecond: 80, burst: 100 } });
    const verdicts = [...limiter.settle(delayed)];
    // After the squeeze: 80/s from a full bucket of 100, which the squeezed limit would refuse from the 4th on.
    for (let i = 0; i < 160; i++)
      verdicts.push(...limiter.settle(limiter.arrive(op, 2 + i * 12.5), op, 'seller'));
    expect(verdicts).toHaveLength(161);
    expect(verdicts.filter((v) => v.over)).toEqual([]);
  });
});
