// Paces the intake while the dispatch has committed work in hand: calls in progress, and enough offered work that
// could start to keep every slot busy; or requests whose tokens close unless written soon. The calls then get
// the CPU they wait for, and the intake, which then runs ahead of what the carrier lets out, loses nothing the
// dispatch needs. When the dispatch could run dry (a carrier that answers at once drains as fast as the intake
// brings work, or a trickle of orders), the intake runs free.
//
// - While ahead, one intake batch is handled at a time (every partition lane asks the same gate). Six lanes let
//   go together at the start of a backlog took the CPU for a second and a half while the first burst of calls
//   waited to be written; one at a time, 500 messages a batch still take in thousands of orders a second.
// - While the process is saturated besides (the event loop runs late, or requests granted a token wait to be
//   written: a burst's tokens close within a few hundred ms, and a token that closes unwritten is lost), one
//   batch goes per hold.
/** While saturated, one intake batch goes per this many ms (the intake is slowed, never stopped). */
export const INTAKE_HOLD_MS = 200;
/** Longest a batch waits for the one before it to be handled. */
export const IN_FLIGHT_WAIT_MS = 1_000;
/** A loop this late (ms, recent average), or a granted request unwritten this long, is saturated. */
export const SATURATED_LAG_MS = 20;
const POLL_MS = 10;

export class IntakeGate {
  /** The batches waiting for their turn, in order: each waits for the one before it. */
  private queue: Promise<void> = Promise.resolve();
  /** When, while saturated, the next batch may go. */
  private nextAt = 0;
  /** Batches let go and not yet done. */
  private inFlight = 0;

  constructor(
    /**
     * Whether the dispatch has committed work in hand (calls in progress, and offered work for every slot), or
     * requests whose tokens close unless written soon (CarrierWorker.dispatchAhead).
     */
    private readonly ahead: () => boolean,
    /** The event loop's recent lag (LoopLag). */
    private readonly lag: { readonly ms: number },
    /** How long the oldest request granted a token has waited to be written (SharedRateBudget.unwrittenMs). */
    private readonly unwrittenMs: () => number = () => 0,
    private readonly holdMs = INTAKE_HOLD_MS,
  ) {}

  /**
   * Resolves when the next intake batch may go, with the function to call once it is handled: at once, or once
   * the batch before it is done, or at its turn while the process is saturated.
   */
  admit(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitTurn());
    this.queue = turn.then(() => undefined);
    return turn;
  }

  private async waitTurn(): Promise<() => void> {
    // A batch that takes long (its transaction retried) holds the next one back for a while, not for good.
    const until = Date.now() + IN_FLIGHT_WAIT_MS;
    while (
      (this.inFlight > 0 && this.ahead() && Date.now() < until) ||
      (this.saturated() && Date.now() < this.nextAt)
    )
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    // A batch let go while saturated spends the turn; one let go on a loop that keeps up does not.
    this.nextAt = this.saturated() ? Date.now() + this.holdMs : 0;
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
    };
  }

  private saturated(): boolean {
    return this.ahead() && (this.lag.ms > SATURATED_LAG_MS || this.unwrittenMs() > SATURATED_LAG_MS);
  }
}
