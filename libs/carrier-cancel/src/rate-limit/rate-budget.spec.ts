import { gcraSpacing } from './rate-budget';

/** Sends at each scheduled time plus its lateness; counts the most arrivals in any window of `windowMs`. */
function worstWindow(sends: number[], windowMs: number): number {
  const sorted = [...sends].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) > windowMs) i++;
    worst = Math.max(worst, j - i + 1);
  }
  return worst;
}

/** The schedule GCRA gives n tokens all wanted at time 0. */
function schedule(n: number, spacing: { intervalMs: number; toleranceMs: number }): number[] {
  return Array.from({ length: n }, (_, k) => Math.max(0, k * spacing.intervalMs - spacing.toleranceMs));
}

describe('gcraSpacing', () => {
  it('spaces tokens by the rate and lets the burst, less the margin, go at once', () => {
    expect(gcraSpacing(80, 100, 50)).toEqual({ intervalMs: 12.5, toleranceMs: 95 * 12.5 });
    expect(gcraSpacing(1, 1, 50)).toEqual({ intervalMs: 1050, toleranceMs: 0 });
  });

  it.each([
    [80, 100],
    [5, 10],
    [1, 1],
    [20, 20],
  ])(
    'a %s/s burst %s schedule, each send late by up to the margin, never exceeds the quota',
    (rate, burst) => {
      const margin = 50;
      const spacing = gcraSpacing(rate, burst, margin);
      const planned = schedule(400, spacing);
      // Worst case: alternate sends are on time and late by the whole margin.
      const sent = planned.map((t, i) => (i % 2 === 0 ? t + margin : t));
      for (const windowMs of [0, 1, 10, 100, 1_000, 5_000]) {
        expect(worstWindow(sent, windowMs)).toBeLessThanOrEqual(burst + Math.floor((rate * windowMs) / 1000));
      }
    },
  );
});
