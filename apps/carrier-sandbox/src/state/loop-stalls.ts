// The sandbox stamps each arrival on its own event loop, so a stall of that loop (a busy machine, a long
// handler) stamps the arrivals behind it late, and two requests that came a second apart may be stamped closer.
// A request can also reach the loop late without any stall of it: on a machine whose cores are all busy, the
// kernel may hand a connection's bytes over long after they were written. Probes measure that (a client writes
// its send time, the sandbox notes how late it got it). This keeps, per second for the last minute, the loop's
// worst delay and the probes' worst lateness, so a request judged over a limit by less than the lag around it can
// be told apart from one the caller really sent too soon.
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
  deliveryMs: number;
}

export class LoopStalls {
  /** Closed windows, oldest first. */
  private readonly windows: Window[] = [];
  private worstMs = 0;
  private worstDeliveryMs = 0;
  private openDeliveryMs = 0;
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
    return this.around(from, to, this.openMaxMs(), (window) => window.maxMs);
  }

  /** A probe's bytes reached the loop `lagMs` after they were written. */
  noteDelivery(lagMs: number): void {
    this.openDeliveryMs = Math.max(this.openDeliveryMs, lagMs);
  }

  /** The latest a probe arrived in any window that overlaps [from, to] (ms), the window still open included. */
  deliveryNear(from: number, to: number): number {
    return this.around(from, to, this.openDeliveryMs, (window) => window.deliveryMs);
  }

  /** The latest a probe arrived since the sandbox started (ms). */
  get worstDelivery(): number {
    return Math.max(this.worstDeliveryMs, this.openDeliveryMs);
  }

  /** Closes the open window (the timer does this every second). */
  roll(): void {
    const maxMs = this.openMaxMs();
    const deliveryMs = this.openDeliveryMs;
    this.worstMs = Math.max(this.worstMs, maxMs);
    this.worstDeliveryMs = Math.max(this.worstDeliveryMs, deliveryMs);
    const endedAt = this.now();
    this.windows.push({ startedAt: this.openedAt, endedAt, maxMs, deliveryMs });
    if (this.windows.length > KEEP) this.windows.shift();
    this.histogram.reset();
    this.openDeliveryMs = 0;
    this.openedAt = endedAt;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram.disable();
  }

  private around(from: number, to: number, open: number, pick: (window: Window) => number): number {
    let worst = this.openedAt <= to ? open : 0;
    for (const window of this.windows)
      if (window.startedAt <= to && window.endedAt >= from) worst = Math.max(worst, pick(window));
    return worst;
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
