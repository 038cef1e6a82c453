import type { Counted } from '../rate-limit/arrival-count';
import { Counters } from './counters';
import { LoopStalls, type DelayHistogram } from './loop-stalls';

/** A histogram whose worst delay the test sets (ms). */
class FakeHistogram implements DelayHistogram {
  maxMs = 0;
  get max(): number {
    return this.maxMs * 1e6;
  }
  get count(): number {
    return this.maxMs > 0 ? 1 : 0;
  }
  reset(): void {
    this.maxMs = 0;
  }
  disable(): boolean {
    return true;
  }
}

describe('LoopStalls', () => {
  let now = 0;
  const histogram = new FakeHistogram();
  const make = () => new LoopStalls(() => now, histogram, { roll: false });

  beforeEach(() => {
    now = 10_000;
    histogram.reset();
  });

  it('tells the worst stall of the windows around a time, and the worst since it started', () => {
    const stalls = make();
    histogram.maxMs = 300;
    now = 11_000;
    stalls.roll(); // [10 s, 11 s]: 300 ms
    histogram.maxMs = 20;
    now = 12_000;
    stalls.roll(); // [11 s, 12 s]: 20 ms
    histogram.maxMs = 50; // open since 12 s
    now = 12_500;
    expect(stalls.near(11_500, 11_900)).toBe(20);
    expect(stalls.near(10_500, 11_900)).toBe(300);
    expect(stalls.near(12_100, 12_400)).toBe(50);
    expect(stalls.near(8_000, 9_000)).toBe(0);
    expect(stalls.worst).toBe(300);
  });

  it("keeps the probes' lateness apart from the loop's stalls, per window", () => {
    const stalls = make();
    stalls.noteDelivery(40);
    stalls.noteDelivery(700);
    now = 11_000;
    stalls.roll(); // [10 s, 11 s]: a probe 700 ms late, the loop never stalled
    stalls.noteDelivery(15); // open since 11 s
    now = 11_500;
    expect(stalls.deliveryNear(10_200, 10_900)).toBe(700);
    expect(stalls.deliveryNear(11_100, 11_400)).toBe(15);
    expect(stalls.near(10_200, 10_900)).toBe(0);
    expect(stalls.worstDelivery).toBe(700);
  });
});

/** A verdict over the limit: at `at`, after an arrival at `after`, short of fitting by `shortMs`. */
function over(key: string, at: number, after: number, shortMs: number): Counted {
  return { key, over: true, at, before: [after], shortMs, fullMs: 0, left: 0 };
}

describe("Counters: requests over a limit within the sandbox loop's stalls", () => {
  it('sets apart an overrun shorter than the stall around it, and counts it over all the same', () => {
    const counters = new Counters();
    counters.loopStalls = {
      worst: 500,
      near: (from, to) => (from <= 5_000 && to >= 5_000 ? 250 : 10),
      deliveryNear: () => 0,
    };
    counters.arrival(over('op|a', 5_000, 4_789, 211));
    counters.arrival(over('op|a', 9_000, 8_900, 900));
    counters.arrival(over('op|b', 20_000, 19_950, 50));
    const rateLimit = counters.toJSON({ perShipment: false })['rateLimit'] as {
      overLimit: Record<string, number>;
      overLimitWithinStall: Record<string, number>;
      overLimitEvents: Array<{ shortMs: number; loopDelayNearMs: number; loopDelayMaxMs: number }>;
    };
    expect(rateLimit.overLimit).toEqual({ 'op|a': 2, 'op|b': 1 });
    expect(rateLimit.overLimitWithinStall).toEqual({ 'op|a': 1 });
    expect(rateLimit.overLimitEvents.map((e) => [e.shortMs, e.loopDelayNearMs, e.loopDelayMaxMs])).toEqual([
      [211, 250, 500],
      [900, 10, 500],
      [50, 10, 500],
    ]);
  });

  it('sets apart an overrun shorter than how late probes reached the sandbox around it, with no loop stall', () => {
    const counters = new Counters();
    counters.loopStalls = {
      worst: 20,
      near: () => 20,
      deliveryNear: (from, to) => (from <= 5_000 && to >= 5_000 ? 860 : 5),
    };
    counters.arrival(over('op|a', 5_000, 4_764, 764));
    counters.arrival(over('op|a', 9_000, 8_700, 300));
    const rateLimit = counters.toJSON({ perShipment: false })['rateLimit'] as {
      overLimit: Record<string, number>;
      overLimitWithinStall: Record<string, number>;
      overLimitEvents: Array<{ loopDelayNearMs: number; deliveryLagNearMs: number }>;
    };
    expect(rateLimit.overLimit).toEqual({ 'op|a': 2 });
    expect(rateLimit.overLimitWithinStall).toEqual({ 'op|a': 1 });
    expect(rateLimit.overLimitEvents.map((e) => [e.loopDelayNearMs, e.deliveryLagNearMs])).toEqual([
      [20, 860],
      [20, 5],
    ]);
  });
});
