import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('ends a wait early on notify', async () => {
    const signal = new WakeSignal();
    const started = Date.now();
    const waiting = signal.wait(5_000);
    signal.notify();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('remembers a notify that came while nobody waited, for the next wait only', async () => {
    const signal = new WakeSignal();
    signal.notify();
    const started = Date.now();
    await signal.wait(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    const second = Date.now();
    await signal.wait(50);
    expect(Date.now() - second).toBeGreaterThanOrEqual(45);
  });
});
