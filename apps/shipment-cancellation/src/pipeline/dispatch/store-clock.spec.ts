import { StoreClock } from './store-clock';

describe('StoreClock', () => {
  it('maps as precisely as the quickest statement, however slow the later ones', () => {
    const clock = new StoreClock();
    // The store's clock is 1,000 ms ahead. A quick statement (sent 10, answered 11, read at 10.5).
    clock.observe(1_010.5, 10, 11);
    // A slow one: sent 100, answered 160, read at 130.
    clock.observe(1_130, 100, 160);
    expect(clock.uncertaintyMs).toBeLessThan(1.5);
    expect(clock.notBefore(2_000)).toBeGreaterThanOrEqual(1_000);
    expect(clock.notAfter(2_000)).toBeLessThanOrEqual(1_000);
    expect(clock.notBefore(2_000) - clock.notAfter(2_000)).toBeLessThan(1.5);
  });

  it('widens its bounds with age, so a slow drift between the clocks stays inside them', () => {
    const clock = new StoreClock();
    clock.observe(1_000, 0, 0);
    expect(clock.uncertaintyMs).toBe(0);
    // 10 s later, a statement reading 1 ms of drift (100 ppm) answers within a 50 ms round trip.
    clock.observe(11_026, 10_000, 10_050);
    expect(clock.notBefore(12_000)).toBeGreaterThanOrEqual(12_000 - 1_001);
    expect(clock.notAfter(12_000)).toBeLessThanOrEqual(12_000 - 1_001);
  });

  it('starts again from the latest statement when a clock was stepped', () => {
    const clock = new StoreClock();
    clock.observe(1_000, 0, 1);
    clock.observe(6_100, 100, 101); // the store's clock jumped 5 s ahead
    expect(clock.notBefore(7_000)).toBeCloseTo(1_001, 5);
    expect(clock.uncertaintyMs).toBeCloseTo(1, 5);
  });
});
