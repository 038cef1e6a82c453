// The sandbox stamps each arrival on its own event loop, so a stall of that loop (a busy machine, a long
// handler) stamps the arrivals behind it late, and two requests that came a second apart may be stamped closer.
// This keeps the loop's worst delay per second for the last minute, so a request judged over a limit by less
// than the stalls around it can be told apart from one the caller really sent too soon.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const WINDOW_MS = 1_000;
const KEEP = 60;

/** The part of node's event-loop delay histogram used here (nanoseconds). */
export interface DelayHistogram {
  readonly max: number;
  readonly count: number;
  reset(): void;
  disable(): boolean;
}

interface Window {
  startedAt: number;
  endedAt: number;
  maxMs: number;
}

export class LoopStalls {
  /** Closed windows, oldest first. */
  private readonly windows: Window[] = [];
  private worstMs = 0;
  private openedAt: number;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly histogram: DelayHistogram = startHistogram(),
    { roll = true }: { roll?: boolean } = {},
  ) {
    this.openedAt = now();
    this.timer = roll ? setInterval(() => this.roll(), WINDOW_MS) : null;
    this.timer?.unref();
  }

  /** The worst delay since the sandbox started (ms). */
  get worst(): number {
    return Math.max(this.worstMs, this.openMaxMs());
  }

  /** The worst delay in any window that overlaps [from, to] (ms), the window still open included. */
  near(from: number, to: number): number {
    let worst = this.openedAt <= to ? this.openMaxMs() : 0;
    for (const window of this.windows)
      if (window.startedAt <= to && window.endedAt >= from) worst = Math.max(worst, window.maxMs);
    return worst;
  }

  /** Closes the open window (the timer does this every second). */
  roll(): void {
    const maxMs = this.openMaxMs();
    this.worstMs = Math.max(this.worstMs, maxMs);
    const endedAt = this.now();
    this.windows.push({ startedAt: this.openedAt, endedAt, maxMs });
    if (this.windows.length > KEEP) this.windows.shift();
    this.histogram.reset();
    this.openedAt = endedAt;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram.disable();
  }

  private openMaxMs(): number {
    return this.histogram.count > 0 ? this.histogram.max / 1e6 : 0;
  }
}

function startHistogram(): DelayHistogram {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return histogram;
}
