import { INTAKE_QUANTUM, IN_FLIGHT_WAIT_MS, IntakeGate, SATURATED_LAG_MS } from './intake-gate';

/**
 * When each of `lanes` batches of `messages` asked at once was let go, in ms after the ask, in the order they
 * went. Each batch is handled `handleMs` after it went (or never, with null).
 */
async function admittedAfter(
  gate: IntakeGate,
  lanes: number,
  handleMs: number | null = 0,
  messages = INTAKE_QUANTUM,
): Promise<number[]> {
  const started = Date.now();
  const went: number[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      const handled = await gate.admit(messages);
      went.push(Date.now() - started);
      if (handleMs !== null) setTimeout(handled, handleMs);
    }),
  );
  return went;
}

/** A gate whose dispatch has work in hand on an event loop running late: one quantum per hold of `holdMs`. */
function saturatedGate(holdMs: number, quantum = INTAKE_QUANTUM): IntakeGate {
  return new IntakeGate(
    () => true,
    { ms: SATURATED_LAG_MS * 5 },
    () => 0,
    holdMs,
    quantum,
  );
}

describe('IntakeGate', () => {
  it('lets batches go together while the dispatch could run dry', async () => {
    expect(
      Math.max(
        ...(await admittedAfter(
          new IntakeGate(
            () => false,
            { ms: 500 },
            () => 500,
          ),
          6,
          null,
        )),
      ),
    ).toBeLessThan(20);
  });

  it('while the dispatch has work in hand, lets one batch go at a time on a process that keeps up', async () => {
    const went = await admittedAfter(new IntakeGate(() => true, { ms: 0 }), 3, 40);
    expect(went[0]).toBeLessThan(20);
    for (let i = 1; i < went.length; i += 1) {
      expect((went[i] as number) - (went[i - 1] as number)).toBeGreaterThanOrEqual(35);
      expect((went[i] as number) - (went[i - 1] as number)).toBeLessThan(500);
    }
  });

  it('lets the next batch go after a while when the one before is not done (slowed, never stopped)', async () => {
    const went = await admittedAfter(new IntakeGate(() => true, { ms: 0 }), 2, null);
    expect(went[1]).toBeGreaterThanOrEqual(IN_FLIGHT_WAIT_MS - 5);
    expect(went[1]).toBeLessThan(IN_FLIGHT_WAIT_MS * 3);
  });

  it('while saturated besides, lets one batch go per hold, whichever lane asks', async () => {
    const went = await admittedAfter(saturatedGate(60), 4);
    expect(went[0]).toBeLessThan(20);
    // Timers never fire early; a busy machine may make them late, which only spaces the batches more.
    for (let i = 1; i < went.length; i += 1)
      expect((went[i] as number) - (went[i - 1] as number)).toBeGreaterThanOrEqual(55);
    expect(went[3]).toBeLessThan(1_000);
  });

  it('lets the waiting batches go as soon as the loop catches up', async () => {
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
    // Caught up: the next batch waits for no turn either.
    expect(Math.max(...(await admittedAfter(gate, 1)))).toBeLessThan(20);
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
  it('while the dispatch has work in hand, lets small batches go together up to a quantum, then waits', async () => {
    // Six lanes of 100 messages: five fit in a quantum of 500 and go at once; the sixth waits for them.
    const went = await admittedAfter(new IntakeGate(() => true, { ms: 0 }), 6, 60, 100);
    expect(went.slice(0, 5).every((ms) => ms < 20)).toBe(true);
    expect(went[5]).toBeGreaterThanOrEqual(55);
    expect(went[5]).toBeLessThan(500);
  });

  it('lets a batch larger than the quantum go alone', async () => {
    const went = await admittedAfter(new IntakeGate(() => true, { ms: 0 }), 2, 40, INTAKE_QUANTUM * 2);
    expect(went[0]).toBeLessThan(20);
    expect(went[1]).toBeGreaterThanOrEqual(35);
  });

  it('while saturated besides, lets a quantum of small batches go per hold', async () => {
    const went = await admittedAfter(saturatedGate(80, 300), 6, 0, 100);
    // Three batches of 100 per hold of 80 ms: 0, 0, 0, then 80, 80, 80 (timers may be late, never early).
    expect(went.slice(0, 3).every((ms) => ms < 20)).toBe(true);
    expect(went.slice(3).every((ms) => ms >= 75 && ms < 1_000)).toBe(true);
  });
});
