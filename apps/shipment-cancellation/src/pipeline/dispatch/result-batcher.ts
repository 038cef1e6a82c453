// Collects carrier results and applies them in batches: results of calls made together are applied in one
// transaction, so a multi-shipment order's outcomes and its ManualReshipRequired land together, and there
// are fewer commits for the relay to pick up.
import type { Logger } from '@nestjs/common';
import type { CarrierResult } from '../../domain/carrier-result';

/** The most results one apply transaction takes. */
export const APPLY_BATCH = 500;
const APPLY_CONCURRENCY = 2;
/**
 * How long a result may wait for the calls still out before it is applied without them. Calls started
 * together (one transaction's leases, one claim) answer within a millisecond or two of each other.
 */
export const APPLY_LINGER_MS = 4;

export class ResultBatcher {
  private readonly pending: CarrierResult[] = [];
  /** When the oldest result in `pending` arrived, and the timer that applies it once it has lingered enough. */
  private pendingSince = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Carrier calls under way, whose results may still join the batch. */
  private callsOut = 0;
  private readonly applying = new Set<Promise<void>>();
  private applyFailures = 0;

  constructor(
    private readonly apply: (batch: CarrierResult[]) => Promise<void>,
    private readonly logger: Pick<Logger, 'error'>,
    /** Whether a result may wait for the calls still out (not while stopping: nothing should wait then). */
    private readonly mayLinger: () => boolean,
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
    if (this.pending.length === 0) this.pendingSince = performance.now();
    this.pending.push(result);
  }

  /** A carrier call ended, with a result or without one: apply what is due. */
  callEnded(): void {
    this.callsOut -= 1;
    void this.flush();
  }

  /**
   * Applies queued results in batches, APPLY_CONCURRENCY transactions at once (two: a result that arrives
   * while one batch commits starts at once instead of waiting for that WAL flush; under load, results that
   * arrive while both run make the next batch larger; each locks its orders in lock-key order, so they cannot
   * deadlock); a database error puts the batch back and retries after a pause. While calls are still out, a
   * result waits up to APPLY_LINGER_MS for them, so calls made together are applied together. Resolves when
   * the batches under way are done.
   */
  flush(): Promise<void> {
    while (this.applying.size < APPLY_CONCURRENCY && this.pending.length > 0) {
      const lingered = performance.now() - this.pendingSince;
      if (
        this.mayLinger() &&
        this.callsOut > 0 &&
        this.pending.length < APPLY_BATCH &&
        lingered < APPLY_LINGER_MS
      ) {
        this.lingerTimer ??= setTimeout(() => {
          this.lingerTimer = null;
          void this.flush();
        }, APPLY_LINGER_MS - lingered);
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
