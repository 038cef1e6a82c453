// Paces the intake while the dispatch has committed work in hand: calls in progress and offered work for every
// slot; or requests whose tokens close unless written soon. The calls then get the CPU they wait for, and the
// intake, which then runs ahead of what the carrier lets out, loses nothing the dispatch needs. When the dispatch
// could run dry (a carrier that answers at once drains as fast as the intake brings work, or a trickle of
// orders), the intake runs free.
//
// The pace is counted in messages, not batches: a turn is a quantum of messages (one full intake batch, 500), and
// the lanes' batches that fit in it go together (the coalescer makes one transaction of them). A backlog's first
// fetches bring each lane what was published so far, tens of messages, and at a batch per turn the intake would
// then take in a few hundred orders a second while every seller waits for its first work.
//
// - While ahead, one quantum is handled at a time (every partition lane asks the same gate). Six lanes' batches
//   let go together at the start of a backlog took the CPU for a second and a half while the first burst of calls
//   waited to be written; a quantum at a time still takes in thousands of orders a second.
// - While the process is saturated besides (the event loop runs late, or requests granted a token wait to be
//   written: a burst's tokens close within a few hundred ms, and a token that closes unwritten is lost), one
//   quantum goes per hold.
/** Messages per turn: a full intake batch. */
export const INTAKE_QUANTUM = 500;
/** While saturated, one quantum goes per this many ms (the intake is slowed, never stopped). */
export const INTAKE_HOLD_MS = 200;
/** Longest a batch waits for the ones before it to be handled. */
export const IN_FLIGHT_WAIT_MS = 1_000;
/** A loop this late (ms, recent average), or a granted request unwritten this long, is saturated. */
export const SATURATED_LAG_MS = 20;
const POLL_MS = 10;

export class IntakeGate {
  /** The batches waiting for their turn, in order: each waits for the one before it. */
  private queue: Promise<void> = Promise.resolve();
  /** While saturated: when the current hold ends, and the messages let go within it. */
  private holdUntil = 0;
  private heldMessages = 0;
  /** Messages let go and not yet handled. */
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
    private readonly quantum = INTAKE_QUANTUM,
  ) {}

  /**
   * Resolves when a batch of `messages` may go, with the function to call once it is handled: at once, or once
   * the messages before it leave room in the quantum, or at the next hold while the process is saturated.
   */
  admit(messages: number): Promise<() => void> {
    const turn = this.queue.then(() => this.waitTurn(Math.max(1, messages)));
    this.queue = turn.then(() => undefined);
    return turn;
  }

  private async waitTurn(messages: number): Promise<() => void> {
    // A batch that takes long (its transaction retried) holds the next one back for a while, not for good. A
    // batch larger than the quantum goes alone.
    const until = Date.now() + IN_FLIGHT_WAIT_MS;
    const fits = (used: number): boolean => used === 0 || used + messages <= this.quantum;
    while (
      (!fits(this.inFlight) && this.ahead() && Date.now() < until) ||
      (this.saturated() && Date.now() < this.holdUntil && !fits(this.heldMessages))
    )
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    // While saturated, a hold begins with the first batch let go after the last hold ended; on a loop that keeps
    // up, batches spend no hold.
    if (!this.saturated()) [this.holdUntil, this.heldMessages] = [0, 0];
    else if (Date.now() >= this.holdUntil)
      [this.holdUntil, this.heldMessages] = [Date.now() + this.holdMs, messages];
    else this.heldMessages += messages;
    this.inFlight += messages;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= messages;
    };
  }

  private saturated(): boolean {
    return this.ahead() && (this.lag.ms > SATURATED_LAG_MS || this.unwrittenMs() > SATURATED_LAG_MS);
  }
}
