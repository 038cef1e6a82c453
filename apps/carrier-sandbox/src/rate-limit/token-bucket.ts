/** SP-API usage plan: each call takes a token; tokens refill at `ratePerSecond` up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** How long the bucket has sat full since it was made (ms): a caller with work to send left that unused. */
  private full = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until the bucket holds a whole token again (ms); 0 when it holds one now. */
  shortMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.ratePerSecond) * 1000;
  }

  /** The time the bucket has spent full since it was made, up to `now` (ms). */
  fullMs(now: number): number {
    this.refill(now);
    return this.full;
  }

  /** The tokens it holds at `now`, fractions included. */
  level(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  remaining(now: number): number {
    return Math.floor(this.level(now));
  }

  /** When the bucket will be full again (MWS reports it as QuotaResetsAt). */
  fullAt(now: number): number {
    this.refill(now);
    return now + ((this.burst - this.tokens) / this.ratePerSecond) * 1000;
  }

  private refill(now: number): void {
    if (now > this.last) {
      const gained = ((now - this.last) / 1000) * this.ratePerSecond;
      const room = this.burst - this.tokens;
      if (gained > room) this.full += ((gained - room) / this.ratePerSecond) * 1000;
      this.tokens = Math.min(this.burst, this.tokens + gained);
      this.last = now;
    }
  }
}
