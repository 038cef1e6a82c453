import type { SandboxProcess } from '../test/support/sandbox';
import {
  CarrierClock,
  acceptedCancels,
  firstTimeAtRate,
  longestGapMs,
  median,
  sellerUse,
  shortfallOf,
  tallyDelta,
} from './fleet-measure';
import { FLEET_SCENARIOS, buildFleetOrders, minimumDrainS } from './fleet-workload';

describe('firstTimeAtRate', () => {
  // 10 completions a second for 5 s, then 50 a second from 5 s on.
  const times = [
    ...Array.from({ length: 50 }, (_, i) => i * 100),
    ...Array.from({ length: 250 }, (_, i) => 5_000 + i * 20),
  ];

  it('finds the end of the first window at the rate', () => {
    const at = firstTimeAtRate(times, 0, 45, 2_000);
    // 90 completions in 2 s need 1.8 s of the fast part, less the slow part's share of the window.
    expect(at).toBeGreaterThan(6_000);
    expect(at).toBeLessThan(7_000);
  });

  it('is null when the rate is never reached', () => {
    expect(firstTimeAtRate(times, 0, 60, 2_000)).toBeNull();
  });
});

describe('longestGapMs', () => {
  it('counts the time from the event to the first completion after it', () => {
    expect(longestGapMs([100, 200, 5_000, 5_100], 150)).toBe(4_800);
    expect(longestGapMs([1_000, 1_100], 0)).toBe(1_000);
  });
});

describe('sellerUse', () => {
  it('is the quota-bound minimum over the time the seller took; sellers within their burst are left out', () => {
    const orders = [
      ...Array.from({ length: 40 }, (_, i) => ({ sellerAccount: 'big', doneAt: 1_000 + i * 50 })),
      ...Array.from({ length: 5 }, () => ({ sellerAccount: 'small', doneAt: 1_100 })),
    ];
    const uses = sellerUse(orders, 1_000, { ratePerSecond: 20, burst: 20 });
    expect(uses.map((u) => u.sellerAccount)).toEqual(['big']);
    // 20 beyond the burst at 20/s: 1 s at least; it took 1.95 s.
    expect(uses[0]?.utilisation).toBeCloseTo(1 / 1.95, 3);
  });

  it('counts unfinished orders against the seller', () => {
    const orders = Array.from({ length: 40 }, (_, i) => ({
      sellerAccount: 's',
      doneAt: i < 20 ? 2_000 : undefined,
    }));
    expect(sellerUse(orders, 0, { ratePerSecond: 20, burst: 20 })[0]?.utilisation).toBeCloseTo(0.25, 3);
  });

  it('times each seller from its own start when given one per seller', () => {
    const orders = [
      ...Array.from({ length: 40 }, (_, i) => ({ sellerAccount: 'early', doneAt: 1_000 + i * 50 })),
      ...Array.from({ length: 40 }, (_, i) => ({ sellerAccount: 'late', doneAt: 1_500 + i * 25 })),
    ];
    const starts: Record<string, number> = { early: 1_000, late: 1_500 };
    const uses = sellerUse(orders, (seller) => starts[seller] ?? 0, { ratePerSecond: 20, burst: 20 });
    expect(uses.map((u) => [u.sellerAccount, u.tookS])).toEqual([
      ['early', 1.95],
      ['late', 0.975],
    ]);
  });
});

describe('tallyDelta', () => {
  const tally = (cancels: number, throttled: number, over?: Record<string, number>) => ({
    calls: {
      'PUT /shipping/v2/shipments/{shipmentId}/cancel': { total: cancels },
      'GET /shipping/v2/tracking': { total: 99 },
    },
    throttled: { total: throttled, byBucket: {} },
    ...(over && {
      rateLimit: {
        requests: {},
        overLimit: over,
        overLimitTotal: Object.values(over).reduce((a, b) => a + b, 0),
      },
    }),
  });

  it('counts cancel calls, 429s and requests over each limit in between', () => {
    const d = tallyDelta(tally(10, 1, { 'a|x': 1 }), tally(30, 4, { 'a|x': 1, 'a|y': 2 }));
    expect(d).toEqual({
      cancelCalls: 20,
      throttled: 3,
      overLimit: { 'a|y': 2 },
      overLimitTotal: 2,
      overLimitWithinStall: 0,
      overLimitEvents: [],
    });
  });

  it("keeps the phase's own over-limit stories and those within the sandbox's lag", () => {
    const story = (at: string) => ({ bucket: 'a|y', at, gapsMs: [3], shortMs: 4, loopDelayMaxMs: 30 });
    const from = tally(10, 0, { 'a|x': 1 });
    const to = tally(30, 0, { 'a|x': 1, 'a|y': 2 });
    if (!from.rateLimit || !to.rateLimit) throw new Error('the tallies count requests over the limit');
    Object.assign(from.rateLimit, { overLimitWithinStall: { 'a|x': 1 }, overLimitEvents: [story('t0')] });
    Object.assign(to.rateLimit, {
      overLimitWithinStall: { 'a|x': 1, 'a|y': 1 },
      overLimitEvents: [story('t0'), story('t1'), story('t2')],
    });
    const d = tallyDelta(from, to);
    expect(d.overLimitWithinStall).toBe(1);
    expect(d.overLimitEvents.map((e) => e.at)).toEqual(['t1', 't2']);
  });

  it('says when the sandbox does not count requests over the limit', () => {
    expect(tallyDelta(tally(0, 0), tally(5, 0)).overLimit).toBeNull();
  });
});

describe('fleet workloads', () => {
  it('d: 5,000 v2 orders over three phases on one seller, then 60 MFN v0 orders', () => {
    const d = FLEET_SCENARIOS.d.build(5_000);
    const v2 = d.phases.filter((p) => p.api === 'amazon-shipping-v2');
    expect(v2.reduce((n, p) => n + (p.sellers[0]?.orders ?? 0), 0)).toBe(5_000);
    expect(d.phases.find((p) => p.api === 'amazon-mfn-v0')?.sellers[0]?.orders).toBe(60);
    // 1,500 orders at 80/s after a burst of 100.
    expect(minimumDrainS(v2[0] as (typeof v2)[number], { ratePerSecond: 80, burst: 100 })).toBe(17.5);
  });

  it('e: half of 8,000 orders on 2 of 20 sellers', () => {
    const [phase] = FLEET_SCENARIOS.e.build(8_000).phases;
    const counts = phase?.sellers.map((s) => s.orders) ?? [];
    expect(counts).toHaveLength(20);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(8_000);
    expect((counts[0] ?? 0) + (counts[1] ?? 0)).toBe(4_000);
  });

  it('f: the same orders as 1,000 × 6 and 20 × 300, each order its own shipment, ids unique', () => {
    const f = FLEET_SCENARIOS.f.build(6_000);
    const orders = buildFleetOrders(f, '1');
    expect(orders.map((p) => p.length)).toEqual([6_000, 6_000]);
    expect(new Set(orders[0]?.map((o) => o.sellerAccount)).size).toBe(1_000);
    expect(new Set(orders[1]?.map((o) => o.sellerAccount)).size).toBe(20);
    const ids = orders.flat().flatMap((o) => [o.orderId, o.shipments[0]?.carrierShipmentId]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('median', () => {
  it('of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('acceptedCancels', () => {
  it('counts cancel answers other than 429 on every API, and no other endpoint', () => {
    expect(
      acceptedCancels({
        calls: {
          'PUT /shipping/v2/shipments/{shipmentId}/cancel': { total: 10, byOutcome: { '200': 8, '429': 2 } },
          'DELETE /mfn/v0/shipments/{shipmentId}': { total: 3, byOutcome: { '200': 3 } },
          'GET /mfn/v0/shipments/{shipmentId}': { total: 50, byOutcome: { '200': 50 } },
        },
        throttled: { total: 2, byBucket: {} },
      }),
    ).toBe(11);
  });
});

describe('shortfallOf', () => {
  // 30 orders at 10/s burst 20: 1 s at the least. The burst went at 300 ms, seven calls at the rate until 1 s,
  // then three 100 ms apart from 1.3 s, as the bucket refilled: it never sat full, and held 2 at the last call.
  const limit = { ratePerSecond: 10, burst: 20 };
  const arrivals = [
    ...Array<number>(20).fill(300),
    ...Array.from({ length: 7 }, (_, i) => 400 + i * 100),
    1_300,
    1_400,
    1_500,
  ];
  const [use] = sellerUse(
    arrivals.map((doneAt) => ({ sellerAccount: 's', doneAt })),
    0,
    limit,
  );

  it("splits a seller's time beyond its minimum into its start, its bucket idle at full and the tokens left", () => {
    const shortfall = shortfallOf(use as NonNullable<typeof use>, {
      startedAt: 0,
      firstRequestAt: 300,
      bucket: { fullMs: 0, left: 2 },
      ratePerSecond: limit.ratePerSecond,
    });
    expect(shortfall).toMatchObject({ sellerAccount: 's', startS: 0.3, fullS: 0, leftTokens: 2, leftS: 0.2 });
    // 1.5 s against 1 s: the parts add up to the half second beyond.
    expect(shortfall?.beyondS).toBeCloseTo(0.5);
    expect((shortfall?.startS ?? 0) + (shortfall?.fullS ?? 0) + (shortfall?.leftS ?? 0)).toBeCloseTo(0.5);
  });

  it('says nothing of a seller the carrier saw no request of', () => {
    const carrier = { startedAt: 0, firstRequestAt: null, bucket: null, ratePerSecond: 10 };
    expect(shortfallOf(use as NonNullable<typeof use>, carrier)).toBeNull();
  });
});

describe('CarrierClock.lastRequestAt', () => {
  it("finds the first sample that saw a seller's last cancel request, other sellers and operations aside", async () => {
    const tallies = [
      { 'amazon-shipping-v2.cancelShipment|a': 5, 'amazon-shipping-v2.cancelShipment|b': 1 },
      {
        'amazon-shipping-v2.cancelShipment|a': 8,
        'amazon-shipping-v2.cancelShipment|b': 2,
        'lwa.token|a': 1,
      },
      {
        'amazon-shipping-v2.cancelShipment|a': 8,
        'amazon-shipping-v2.cancelShipment|b': 4,
        'lwa.token|a': 2,
      },
    ];
    let polls = 0;
    const sandbox = {
      control: async () => ({
        calls: {},
        throttled: { total: 0, byBucket: {} },
        rateLimit: { requests: tallies[polls++], overLimit: {}, overLimitTotal: 0 },
      }),
    } as unknown as SandboxProcess;
    const clock = new CarrierClock(sandbox);
    const at: number[] = [];
    for (let i = 0; i < tallies.length; i++) {
      await clock.stop();
      at.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(clock.lastRequestAt('a')).toBeLessThanOrEqual(at[1] as number);
    expect(clock.lastRequestAt('a')).toBeGreaterThan(at[0] as number);
    expect(clock.lastRequestAt('b')).toBeGreaterThan(at[1] as number);
    expect(clock.lastRequestAt('c')).toBeNull();
  });

  it("takes the sandbox's arrival time of a seller's last cancel request when it reports one", async () => {
    const sandbox = {
      control: async () => ({
        calls: {},
        throttled: { total: 0, byBucket: {} },
        rateLimit: {
          requests: { 'amazon-shipping-v2.cancelShipment|a': 3, 'lwa.token|a': 1 },
          lastArrivalAt: { 'amazon-shipping-v2.cancelShipment|a': 1_000, 'lwa.token|a': 2_000 },
          firstArrivalAt: { 'amazon-shipping-v2.cancelShipment|a': 400, 'lwa.token|a': 300 },
          overLimit: {},
          overLimitTotal: 0,
        },
      }),
    } as unknown as SandboxProcess;
    const clock = new CarrierClock(sandbox);
    await clock.stop();
    expect(clock.lastRequestAt('a')).toBe(1_000);
    expect(clock.firstRequestAt('a')).toBe(400);
    expect(clock.firstRequestAt('b')).toBeNull();
    expect(clock.requestsBy('a', Date.now())).toBe(3);
    expect(clock.requestsBy('a', 0)).toBe(0);
  });
});
