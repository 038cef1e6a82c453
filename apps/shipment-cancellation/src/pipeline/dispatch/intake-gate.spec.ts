import { IntakeGate, SATURATED_LAG_MS } from './intake-gate';

async function heldMs(gate: IntakeGate): Promise<number> {
  const started = Date.now();
  await gate.admit();
  return Date.now() - started;
}

describe('IntakeGate', () => {
  it('lets a batch go at once on a process that keeps up, or with no carrier call in progress', async () => {
    expect(await heldMs(new IntakeGate(() => true, { ms: 0 }))).toBeLessThan(10);
    expect(await heldMs(new IntakeGate(() => false, { ms: 500 }))).toBeLessThan(10);
  });

  it('holds a batch while the loop is saturated and calls are in progress, until it catches up', async () => {
    const lag = { ms: SATURATED_LAG_MS * 5 };
    setTimeout(() => (lag.ms = 0), 60);
    const held = await heldMs(new IntakeGate(() => true, lag, 5_000));
    expect(held).toBeGreaterThanOrEqual(50);
    expect(held).toBeLessThan(1_000);
  });

  it('never holds a batch longer than its hold: the intake is slowed, not stopped', async () => {
    const held = await heldMs(new IntakeGate(() => true, { ms: 1_000 }, 50));
    expect(held).toBeGreaterThanOrEqual(45);
    expect(held).toBeLessThan(1_000);
  });
});
