// Applies carrier results in batches: calls made together are applied in one transaction, so an order's
// outcomes land together and the relay has fewer commits to pick up.
import type { Logger } from '@nestjs/common';
import type { CarrierResult } from '../../domain/carrier-result';

/** The most results one apply transaction takes. */
export const APPLY_BATCH = 500;
/** Apply transactions at once: a result arriving while one commits need not wait for its WAL flush. */
const APPLY_CONCURRENCY = 2;
/** How long a result may wait for the calls still out (calls started together answer within ms). */
export const APPLY_LINGER_MS = 4;
/**
 * While calls wait for the carrier's quota, results trickle in at its rate: a result then waits for this many
 * more (at the pace they have been coming), up to MAX_LINGER_MS, so a quota-bound drain applies, and publishes,
 * in batches rather than one by one. Nothing is delayed that matters: the orders behind wait for the quota.
 */
const TARGET_BATCH = 8;
const MAX_LINGER_MS = 100;

/** Queues carrier results and applies them in batches, retrying a batch the database refused. */
export class ResultBatcher {
  private readonly pending: CarrierResult[] = [];
  /** When the oldest result in `pending` arrived, and the timer that applies it once it has lingered enough. */
  private pendingSince = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Carrier calls under way, whose results may still join the batch. */
  private callsOut = 0;
  private readonly applying = new Set<Promise<void>>();
  private applyFailures = 0;
  /** The mean gap between results lately (ms), and when the last one came. */
  private gapMs = 0;
  private lastResultAt = 0;

  constructor(
    private readonly apply: (batch: CarrierResult[]) => Promise<void>,
    private readonly logger: Pick<Logger, 'error'>,
    /** Whether a result may wait for the calls still out (not while stopping: nothing should wait then). */
    private readonly mayLinger: () => boolean,
    /** Whether calls wait for the carrier's quota (then results may wait longer for each other). */
    private readonly quotaBound: () => boolean = () => false,
  ) {}

  /** Nothing queued and no batch being applied. */
  get idle(): boolean {
    return this.pending.length === 0 && this.applying.size === 0;
  }

  /** A carrier call started: its result may be worth waiting for. */
  callStarted(): void {
    this.callsOut += 1;
  }

  /** A call's result arrived; it is applied once its call has ended (`callEnded`). */
  add(result: CarrierResult): void {
    const now = performance.now();
    if (this.lastResultAt > 0) this.gapMs = 0.8 * this.gapMs + 0.2 * Math.min(now - this.lastResultAt, 1_000);
    this.lastResultAt = now;
    if (this.pending.length === 0) this.pendingSince = now;
    this.pending.push(result);
  }

  /** How long the oldest queued result may wait for others. */
  private lingerMs(): number {
    if (!this.quotaBound()) return APPLY_LINGER_MS;
    return Math.max(APPLY_LINGER_MS, Math.min(MAX_LINGER_MS, TARGET_BATCH * this.gapMs));
  }

  /** A carrier call ended, with a result or without one: apply what is due. */
  callEnded(): void {
    this.callsOut -= 1;
    void this.flush();
  }

  /**
   * Applies queued results, up to APPLY_CONCURRENCY batches at once (each locks its orders in key order, so
   * they cannot deadlock); while calls are out a result lingers for them. Resolves when the batches are done.
   */
  flush(): Promise<void> {
    while (this.applying.size < APPLY_CONCURRENCY && this.pending.length > 0) {
      const lingered = performance.now() - this.pendingSince;
      const linger = this.lingerMs();
      if (this.mayLinger() && this.callsOut > 0 && this.pending.length < APPLY_BATCH && lingered < linger) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = null;
          void this.flush();
        }, linger - lingered);
        break;
      }
      const batch = this.pending.splice(0, APPLY_BATCH);
      // Nothing is left to linger: a timer would find no work.
      if (this.pending.length === 0 && this.lingerTimer) {
        clearTimeout(this.lingerTimer);
        this.lingerTimer = null;
      }
      const run: Promise<void> = this.apply(batch)
        .then(() => {
          this.applyFailures = 0;
        })
        .catch(async (error: unknown) => {
          // Back at the front: these have lingered already, so they go as soon as the pause is over.
          this.pending.unshift(...batch);
          this.applyFailures += 1;
          this.logger.error(`applying ${batch.length} carrier results failed: ${(error as Error).message}`);
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(30_000, 200 * 2 ** this.applyFailures)),
          );
        })
        .finally(() => {
          this.applying.delete(run);
          void this.flush();
        });
      this.applying.add(run);
    }
    return Promise.all(this.applying).then(() => undefined);
  }
}
