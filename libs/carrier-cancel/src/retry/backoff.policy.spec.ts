import { backoffDelayMs } from './backoff.policy';

describe('backoffDelayMs', () => {
  const settings = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it('grows exponentially with full jitter from the injected random', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, settings, () => 0.5))).toEqual([
      50, 100, 200, 400,
    ]);
    expect(backoffDelayMs(3, settings, () => 0)).toBe(0);
    expect(backoffDelayMs(3, settings, () => 0.999)).toBe(399);
  });

  it('is capped at maxDelayMs', () => {
    expect(backoffDelayMs(10, settings, () => 0.999)).toBe(999);
    expect(backoffDelayMs(50, settings, () => 0.5)).toBe(500);
  });
});
