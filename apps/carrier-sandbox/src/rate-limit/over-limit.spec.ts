import { startTestSandbox, TestSandbox } from '../testing/sandbox-harness';

interface RateLimitCounters {
  requests: Record<string, number>;
  overLimit: Record<string, number>;
  overLimitTotal: number;
}

const CANCEL_A = 'amazon-shipping-v2.cancelShipment|seller-a';
const CANCEL_B = 'amazon-shipping-v2.cancelShipment|seller-b';

describe('requests over the limit (GET /__sandbox/counters rateLimit)', () => {
  let sandbox: TestSandbox;

  // The counts; the story of each request over the limit (overLimitEvents), the arrival times and the buckets'
  // use are read where a test needs them.
  const rateLimit = async (view = ''): Promise<RateLimitCounters> => {
    const {
      overLimitEvents: _events,
      firstArrivalAt: _first,
      lastArrivalAt: _last,
      bucketUse: _use,
      overLimitWithinStall: _withinStall,
      ...counts
    } = (await sandbox.control('GET', `counters${view}`)).json<{
      rateLimit: RateLimitCounters & {
        overLimitEvents: unknown[];
        firstArrivalAt: unknown;
        lastArrivalAt: unknown;
        bucketUse: unknown;
        overLimitWithinStall: unknown;
      };
    }>().rateLimit;
    return counts;
  };
  const cancelAtOnce = async (ids: string[]): Promise<number[]> => {
    await sandbox.lwaToken();
    return (await Promise.all(ids.map((id) => sandbox.v2Cancel(id)))).map((r) => r.status);
  };

  beforeEach(async () => {
    sandbox = await startTestSandbox({ rateLimits: true });
    await sandbox.seed(
      Array.from({ length: 10 }, (_, i) => ({
        api: 'amazon-shipping-v2',
        carrierShipmentId: `ol-${i}`,
        orderId: `ORD-ol-${i}`,
        businessId: 'AmazonShipping_UK',
        sellerAccount: i < 8 ? 'seller-a' : 'seller-b',
      })),
    );
    // A rate slow enough that no token comes back during the test: only the burst counts.
    await sandbox.control('PUT', 'rate-limits', {
      'amazon-shipping-v2.cancelShipment': { ratePerSecond: 0.01, burst: 3 },
    });
  });
  afterEach(() => sandbox.close());

  it('stays at 0 while the arrivals fit the burst, per seller', async () => {
    expect(await cancelAtOnce(['ol-0', 'ol-1', 'ol-2', 'ol-8', 'ol-9'])).toEqual([200, 200, 200, 200, 200]);
    expect(await rateLimit()).toEqual({
      requests: { [CANCEL_A]: 3, [CANCEL_B]: 2 },
      overLimit: {},
      overLimitTotal: 0,
    });
  });

  it("tells when each bucket's first and latest request arrived", async () => {
    const before = Date.now();
    await cancelAtOnce(['ol-0', 'ol-8']);
    const afterFirst = Date.now();
    await cancelAtOnce(['ol-1']);
    const { firstArrivalAt, lastArrivalAt } = (await sandbox.control('GET', 'counters?view=totals')).json<{
      rateLimit: { firstArrivalAt: Record<string, number>; lastArrivalAt: Record<string, number> };
    }>().rateLimit;
    expect(Object.keys(lastArrivalAt).sort()).toEqual([CANCEL_A, CANCEL_B]);
    expect(lastArrivalAt[CANCEL_B]).toBeGreaterThanOrEqual(before);
    expect(lastArrivalAt[CANCEL_B]).toBeLessThanOrEqual(afterFirst);
    expect(lastArrivalAt[CANCEL_A]).toBeGreaterThanOrEqual(afterFirst);
    expect(firstArrivalAt[CANCEL_A]).toBeLessThanOrEqual(afterFirst);
    expect(firstArrivalAt[CANCEL_B]).toBe(lastArrivalAt[CANCEL_B]);
  });

  it('counts burst + 1 arrivals at once as 1 over, answered 429 while enforced', async () => {
    const statuses = await cancelAtOnce(['ol-0', 'ol-1', 'ol-2', 'ol-3']);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    const expected = { requests: { [CANCEL_A]: 4 }, overLimit: { [CANCEL_A]: 1 }, overLimitTotal: 1 };
    expect(await rateLimit()).toEqual(expected);
    expect(await rateLimit('?view=totals')).toEqual(expected);
  });

  it('counts the overrun without answering 429 when enforcement is off', async () => {
    const set = await sandbox.control('PUT', 'rate-limits', { enforce: false });
    expect(set.json<{ enforce: boolean }>().enforce).toBe(false);
    expect(await cancelAtOnce(['ol-0', 'ol-1', 'ol-2', 'ol-3', 'ol-4'])).toEqual([200, 200, 200, 200, 200]);
    const counters = (await sandbox.control('GET', 'counters')).json<{
      throttled: { total: number };
      rateLimit: RateLimitCounters;
    }>();
    expect(counters.throttled.total).toBe(0);
    expect(counters.rateLimit).toEqual({
      requests: { [CANCEL_A]: 5 },
      firstArrivalAt: { [CANCEL_A]: expect.any(Number) },
      lastArrivalAt: { [CANCEL_A]: expect.any(Number) },
      // Three arrivals took the burst of 3 and the two refused took nothing: empty, never full since the first.
      bucketUse: { [CANCEL_A]: { fullMs: 0, left: expect.closeTo(0, 1) } },
      // Each 100 s short of a token: far more than any stall of the sandbox's loop.
      overLimitWithinStall: {},
      overLimit: { [CANCEL_A]: 2 },
      overLimitTotal: 2,
      // Each overrun with the gaps (ms) to the arrivals before it on its bucket, and the loop's worst stall.
      overLimitEvents: [3, 4].map((before) =>
        expect.objectContaining({
          bucket: CANCEL_A,
          gapsMs: Array(before).fill(expect.any(Number)),
          shortMs: expect.any(Number),
          loopDelayMaxMs: expect.any(Number),
          loopDelayNearMs: expect.any(Number),
          deliveryLagNearMs: 0,
        }),
      ),
    });
    // A reset brings enforcement back and clears the counts.
    await sandbox.control('POST', 'reset', { seedDemo: false });
    expect((await sandbox.control('GET', 'rate-limits')).json<{ enforce: boolean }>().enforce).toBe(true);
    expect((await rateLimit()).overLimitTotal).toBe(0);
  });

  it('notes how late a probe reached it, and sets an overrun within that lateness apart', async () => {
    const bad = await sandbox.http('GET', '/__sandbox/probe?sentAt=soon');
    expect(bad.status).toBe(400);
    // A probe written 200 s ago (as a machine that held the bytes that long would deliver it): each overrun
    // below is 100 s short of a token, within that lag.
    const probe = await sandbox.http('GET', `/__sandbox/probe?sentAt=${Date.now() - 200_000}`);
    expect(probe.json<{ lagMs: number }>().lagMs).toBeGreaterThanOrEqual(200_000);
    expect(await cancelAtOnce(['ol-0', 'ol-1', 'ol-2', 'ol-3'])).toEqual([200, 200, 200, 429]);
    const { rateLimit: counted } = (await sandbox.control('GET', 'counters')).json<{
      rateLimit: {
        overLimit: Record<string, number>;
        overLimitWithinStall: Record<string, number>;
        overLimitEvents: Array<{ deliveryLagNearMs: number }>;
      };
    }>();
    expect(counted.overLimit).toEqual({ [CANCEL_A]: 1 });
    expect(counted.overLimitWithinStall).toEqual({ [CANCEL_A]: 1 });
    expect(counted.overLimitEvents[0]?.deliveryLagNearMs).toBeGreaterThanOrEqual(200_000);
  });

  it('does not count an injected 429 as over the limit, only as a request', async () => {
    await sandbox.control('PUT', 'faults', { errorRates: { '429': 1 } });
    expect(await cancelAtOnce(['ol-0', 'ol-1'])).toEqual([429, 429]);
    expect(await rateLimit()).toEqual({ requests: { [CANCEL_A]: 2 }, overLimit: {}, overLimitTotal: 0 });
  });

  it('counts requests delayed by a latency fault in the order they arrived', async () => {
    await sandbox.control('PUT', 'faults', { seed: 3, latency: { uniform: { min: 0, max: 60 } } });
    expect((await cancelAtOnce(['ol-0', 'ol-1', 'ol-2', 'ol-3'])).filter((s) => s === 429)).toHaveLength(1);
    expect(await rateLimit()).toEqual({
      requests: { [CANCEL_A]: 4 },
      overLimit: { [CANCEL_A]: 1 },
      overLimitTotal: 1,
    });
  });
});
