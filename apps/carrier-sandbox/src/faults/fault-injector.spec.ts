import { FaultInjector } from './fault-injector';
import { parseFaultProfile } from './fault-profile';
import { mulberry32 } from './prng';

function decisions(body: unknown, n: number, scope: 'amazon-shipping-v2' | 'lwa' = 'amazon-shipping-v2') {
  const injector = new FaultInjector();
  injector.configure(parseFaultProfile(body, 1));
  return Array.from({ length: n }, () => injector.decide(scope));
}

describe('fault injection dice', () => {
  it('mulberry32 replays the same sequence for the same seed, and another for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32('42-other');
    const seqA = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws outcomes in proportion to the rates, identically for the same seed', () => {
    const profile = {
      seed: 9,
      errorRates: { '500': 0.2, '503': 0.1 },
      timeoutRate: 0.1,
      dropAfterActRate: 0.1,
    };
    const first = decisions(profile, 2_000).map((d) => d?.outcome);
    expect(decisions(profile, 2_000).map((d) => d?.outcome)).toEqual(first);
    const share = (o: unknown) => first.filter((x) => x === o).length / first.length;
    expect(share(500)).toBeGreaterThan(0.15);
    expect(share(500)).toBeLessThan(0.25);
    expect(share(503)).toBeGreaterThan(0.06);
    expect(share('timeout')).toBeGreaterThan(0.06);
    expect(share('dropAfterAct')).toBeGreaterThan(0.06);
    expect(share('none')).toBeGreaterThan(0.4);
    expect(decisions({ ...profile, seed: 10 }, 2_000).map((d) => d?.outcome)).not.toEqual(first);
  });

  it('samples latency from the configured distribution', () => {
    expect(decisions({ latency: { fixedMs: 25 } }, 3).map((d) => d?.latencyMs)).toEqual([25, 25, 25]);
    const uniform = decisions({ latency: { uniform: { min: 10, max: 20 } } }, 500).map(
      (d) => d?.latencyMs ?? -1,
    );
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(20);
    const normal = decisions({ latency: { normal: { mean: 100, stddev: 10 } } }, 2_000).map(
      (d) => d?.latencyMs ?? 0,
    );
    const mean = normal.reduce((a, b) => a + b, 0) / normal.length;
    expect(mean).toBeGreaterThan(97);
    expect(mean).toBeLessThan(103);
  });

  it('only applies to the scoped APIs (the carrier APIs by default)', () => {
    expect(decisions({ errorRates: { '500': 1 } }, 1, 'lwa')).toEqual([null]);
    expect(decisions({ errorRates: { '500': 1 }, apis: ['lwa'] }, 1, 'lwa')[0]?.outcome).toBe(500);
  });

  it('counts down token expiries', () => {
    const injector = new FaultInjector();
    injector.configure(parseFaultProfile({ tokenExpiry: { expireNext: 2 } }, 1));
    expect([1, 2, 3].map(() => injector.consumeTokenExpiry('amazon-mfn-v0'))).toEqual([true, true, false]);
  });

  it('refuses profiles that cannot be honoured', () => {
    expect(() => parseFaultProfile({ errorRates: { '500': 0.7 }, timeoutRate: 0.5 }, 1)).toThrow(
      /more than 1/,
    );
    expect(() => parseFaultProfile({ errorRates: { '200': 0.1 } }, 1)).toThrow(/400-599/);
    expect(() => parseFaultProfile({ latency: { poisson: 3 } }, 1)).toThrow(/fixedMs/);
    expect(() => parseFaultProfile({ apis: ['amazon-shipping-v9'] }, 1)).toThrow(/apis\[0\]/);
    expect(() => parseFaultProfile({ dropRate: 0.1 }, 1)).toThrow(/dropRate/);
  });
});
