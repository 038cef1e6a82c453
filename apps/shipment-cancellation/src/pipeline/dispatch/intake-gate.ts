// Holds the intake back for a moment while the process is saturated and carrier calls are in progress: the calls
// then get the CPU they wait for, and the intake, which runs far ahead of what the quotas let out, loses little.
/** Longest an intake batch is held back (the intake is slowed, never stopped). */
export const INTAKE_HOLD_MS = 200;
/** A loop this late (ms, recent average) is saturated. */
export const SATURATED_LAG_MS = 20;
const POLL_MS = 10;

export class IntakeGate {
  constructor(
    /** Whether carrier calls are in progress. */
    private readonly calling: () => boolean,
    /** The event loop's recent lag (LoopLag). */
    private readonly lag: { readonly ms: number },
    private readonly holdMs = INTAKE_HOLD_MS,
  ) {}

  /** Resolves when the next intake batch may go on: at once, or once the loop has caught up, or after the hold. */
  async admit(): Promise<void> {
    const until = Date.now() + this.holdMs;
    while (this.calling() && this.lag.ms > SATURATED_LAG_MS && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
