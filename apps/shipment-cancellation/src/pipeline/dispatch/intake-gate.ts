// Paces the intake while the process is saturated and carrier calls are in progress: the calls then get the CPU
// they wait for, and the intake, which runs far ahead of what the quotas let out, loses little. Saturated: the
// event loop runs late, or requests granted a token wait to be written (a burst's tokens close within a few
// hundred ms, and a token that closes unwritten is lost).
//
// The pace is the gate's, not each batch's: every partition lane asks the same gate, and while saturated it lets
// one batch go per hold, whichever lane asks. (A hold per batch would let six lanes go together after each hold:
// the intake barely slowed.) At 500 messages a batch that is still 2,500 orders/s, several times what the quotas
// let out, so the intake stays ahead of the dispatch for every seller. Once the loop catches up, batches go at once.
/** While saturated, one intake batch goes per this many ms (the intake is slowed, never stopped). */
export const INTAKE_HOLD_MS = 200;
/** A loop this late (ms, recent average), or a granted request unwritten this long, is saturated. */
export const SATURATED_LAG_MS = 20;
const POLL_MS = 10;

export class IntakeGate {
  /** The batches waiting for their turn, in order: each waits for the one before it. */
  private queue: Promise<void> = Promise.resolve();
  /** When, while saturated, the next batch may go. */
  private nextAt = 0;

  constructor(
    /** Whether carrier calls are in progress. */
    private readonly calling: () => boolean,
    /** The event loop's recent lag (LoopLag). */
    private readonly lag: { readonly ms: number },
    /** How long the oldest request granted a token has waited to be written (SharedRateBudget.unwrittenMs). */
    private readonly unwrittenMs: () => number = () => 0,
    private readonly holdMs = INTAKE_HOLD_MS,
  ) {}

  /** Resolves when the next intake batch may go on: at once, or once the loop caught up, or at its turn. */
  admit(): Promise<void> {
    const turn = this.queue.then(() => this.waitTurn());
    this.queue = turn;
    return turn;
  }

  private async waitTurn(): Promise<void> {
    while (this.saturated() && Date.now() < this.nextAt)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    // A batch let go while saturated spends the turn; one let go on a loop that keeps up does not.
    this.nextAt = this.saturated() ? Date.now() + this.holdMs : 0;
  }

  private saturated(): boolean {
    return this.calling() && (this.lag.ms > SATURATED_LAG_MS || this.unwrittenMs() > SATURATED_LAG_MS);
  }
}
