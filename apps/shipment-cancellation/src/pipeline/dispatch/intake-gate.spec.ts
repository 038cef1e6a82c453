import { IntakeGate, SATURATED_LAG_MS } from './intake-gate';

/** When each of `lanes` batches asked at once was let go, in ms after the ask, in the order they went. */
async function admittedAfter(gate: IntakeGate, lanes: number): Promise<number[]> {
  const started = Date.now();
  const went: number[] = [];
  await Promise.all(
    Array.from({ length: lanes }, () => gate.admit().then(() => went.push(Date.now() - started))),
  );
  return went;
}

describe('IntakeGate', () => {
  it('lets batches go at once on a process that keeps up, or with no carrier call in progress', async () => {
    expect(Math.max(...(await admittedAfter(new IntakeGate(() => true, { ms: 0 }), 6)))).toBeLessThan(20);
    expect(Math.max(...(await admittedAfter(new IntakeGate(() => false, { ms: 500 }), 6)))).toBeLessThan(20);
    expect(
      Math.max(
        ...(await admittedAfter(
          new IntakeGate(
            () => false,
            { ms: 0 },
            () => 500,
          ),
          6,
        )),
      ),
    ).toBeLessThan(20);
  });

  it('while saturated with calls in progress, lets one batch go per hold, whichever lane asks', async () => {
    const went = await admittedAfter(
      new IntakeGate(
        () => true,
        { ms: SATURATED_LAG_MS * 5 },
        () => 0,
        60,
      ),
      4,
    );
    expect(went[0]).toBeLessThan(20);
    // Timers never fire early; a busy machine may make them late, which only spaces the batches more.
    for (let i = 1; i < went.length; i += 1)
      expect((went[i] as number) - (went[i - 1] as number)).toBeGreaterThanOrEqual(55);
    expect(went[3]).toBeLessThan(1_000);
  });

  it('lets the waiting batches go at once when the loop catches up', async () => {
    const lag = { ms: SATURATED_LAG_MS * 5 };
    const gate = new IntakeGate(
      () => true,
      lag,
      () => 0,
      5_000,
    );
    setTimeout(() => (lag.ms = 0), 60);
    const went = await admittedAfter(gate, 3);
    expect(went[0]).toBeLessThan(20);
    expect(went[1]).toBeGreaterThanOrEqual(50);
    expect(went[2]).toBeLessThan(1_000);
    // Caught up: the next batch does not wait for a turn either.
    expect(Math.max(...(await admittedAfter(gate, 2)))).toBeLessThan(20);
  });

  it('counts granted requests left unwritten as saturation, the loop on time or not', async () => {
    let unwritten = SATURATED_LAG_MS * 3;
    setTimeout(() => (unwritten = 0), 80);
    const went = await admittedAfter(
      new IntakeGate(
        () => true,
        { ms: 0 },
        () => unwritten,
        5_000,
      ),
      3,
    );
    expect(went[0]).toBeLessThan(20);
    expect(went[1]).toBeGreaterThanOrEqual(70);
    expect(went[2]).toBeLessThan(1_000);
  });
});
