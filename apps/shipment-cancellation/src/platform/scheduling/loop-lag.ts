// How late this process's event loop runs its timers, as a recent average: a measure of a saturated process.
/** A timer every `intervalMs`; its lateness, averaged over the last few ticks, is the loop's lag. */
export class LoopLag {
  private timer: NodeJS.Timeout | null = null;
  private expected = 0;
  private averageMs = 0;

  constructor(private readonly intervalMs = 10) {}

  /** The recent lag in ms: 0 on an idle process, about the length of its tasks on a saturated one. */
  get ms(): number {
    return this.averageMs;
  }

  start(): void {
    if (this.timer) return;
    this.expected = performance.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = Math.max(0, now - this.expected);
      this.expected = now + this.intervalMs;
      this.averageMs = 0.7 * this.averageMs + 0.3 * late;
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.averageMs = 0;
  }
}
