// Keeps the leases of the cancellations this instance holds: every third of a lease, one statement extends them
// all. Leases are short, so the work of an instance that died (or stalled for a whole lease) comes back to the
// others within one lease, not at the end of a long one; the claim that takes it over marks a cancel that may
// have been sent, and the reconciliation that follows is the same as after any crash.
import { Logger } from '@nestjs/common';
import type { MetricsService } from '../../platform/metrics/metrics.service';
import type { LeasesStore } from '../../store/claims.store';

export class LeaseKeeper {
  private readonly logger = new Logger('CarrierWorker');
  /** Cancellation id -> the attempt number of our claim. */
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly store: LeasesStore,
    private readonly leaseMs: number,
    private readonly metrics?: MetricsService,
  ) {}

  get size(): number {
    return this.held.size;
  }

  hold(id: string, attempts: number): void {
    this.held.set(id, attempts);
  }

  /** The row's result was applied (or will be retried from Postgres): its lease is no longer ours to keep. */
  let(id: string): void {
    this.held.delete(id);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.renewing;
  }

  /** Extends every lease held; one still running is not started twice. */
  renew(): Promise<void> {
    if (this.renewing || this.held.size === 0) return this.renewing ?? Promise.resolve();
    const held = new Map(this.held);
    this.renewing = this.store
      .renew(held, this.leaseMs)
      .then((renewed) => {
        this.metrics?.leaseRenewals.inc({ result: 'renewed' }, renewed.size);
        // Not renewed: applied meanwhile, locked by the apply under way (the next renewal takes it if it is still
        // in flight), or taken over after our lease ran out (then the other claim decides).
        const lost = [...held.keys()].filter((id) => !renewed.has(id) && this.held.get(id) === held.get(id));
        if (lost.length > 0) this.metrics?.leaseRenewals.inc({ result: 'not_held' }, lost.length);
      })
      .catch((error: Error) => this.logger.warn(`renewing ${held.size} lease(s) failed: ${error.message}`))
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }
}
