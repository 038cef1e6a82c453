/**
 * Runs a background pass every interval, never two at once: a pass still running when the next one is due
 * makes that one skip. The timer does not keep the process alive. `pass` handles its own errors.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly pass: () => Promise<void>) {}

  /** Starts the timer; an interval of 0 means never. */
  start(intervalMs: number): void {
    if (intervalMs === 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.pass().finally(() => (this.running = null));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
