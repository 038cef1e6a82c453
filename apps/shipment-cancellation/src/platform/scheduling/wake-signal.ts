/**
 * Wakes a polling loop early when there is new work. A notify that arrives while the loop is busy (not
 * waiting) is remembered, so the next wait returns at once: no wake-up is ever lost to a full poll interval.
 */
export class WakeSignal {
  private pending = false;
  private release: (() => void) | null = null;

  notify(): void {
    if (this.release) {
      const release = this.release;
      this.release = null;
      release();
    } else {
      this.pending = true;
    }
  }

  /** Resolves after `ms`, or as soon as notify() is (or was, since the last wait) called. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.release = null;
        resolve();
      }, ms);
      this.release = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
