// Postgres's clock as this process sees it. The carrier budget's schedule runs on Postgres's clock (instances
// need no synchronised clocks), and a token's time must become a local time that is never early and never more
// than a few milliseconds late. One statement only says its clock was read somewhere between sending it and
// its answer, so on its own it dates a token no better than its round trip. Every statement also narrows the
// offset between the two clocks: kept as bounds, the mapping is as good as the quickest statement seen lately,
// however slow the current one is.

/** Clocks drift apart by far less than this (1,000 ppm); the bounds widen by it as they age. */
const DRIFT_PER_MS = 0.001;

export class StoreClock {
  /** Bounds on (Postgres time − local time), in ms; none until a statement answers. */
  private lo = -Infinity;
  private hi = Infinity;
  private at = 0;

  /** A statement sent at local `sent`, answered at local `received`, read Postgres's clock as `storeNowMs`. */
  observe(storeNowMs: number, sent: number, received: number): void {
    const lo = storeNowMs - received;
    const hi = storeNowMs - sent;
    const widen = Number.isFinite(this.lo) ? (received - this.at) * DRIFT_PER_MS : 0;
    const narrowedLo = Math.max(this.lo - widen, lo);
    const narrowedHi = Math.min(this.hi + widen, hi);
    // Disjoint: one of the clocks was stepped. Start again from this statement alone.
    if (narrowedLo > narrowedHi) {
      this.lo = lo;
      this.hi = hi;
    } else {
      this.lo = narrowedLo;
      this.hi = narrowedHi;
    }
    this.at = received;
  }

  /** The latest local time Postgres time `storeMs` can be: a token dated so is never early. */
  notBefore(storeMs: number): number {
    return storeMs - this.lo;
  }

  /** The earliest local time Postgres time `storeMs` can be: a token sent by it plus slack is never late. */
  notAfter(storeMs: number): number {
    return storeMs - this.hi;
  }

  /** When (local time) the last statement answered; -Infinity before any. */
  get observedAt(): number {
    return Number.isFinite(this.lo) ? this.at : -Infinity;
  }

  /** How uncertain the mapping is now (ms). */
  get uncertaintyMs(): number {
    return this.hi - this.lo;
  }
}
