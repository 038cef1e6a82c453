// Calls the carrier for due cancellations outside any Kafka consumer, so a slow carrier holds no partition.
// Work is claimed with a lease (another instance takes it over after a crash); results apply in batches.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cancelQuota, type CarrierCancelPort } from '@oms/carrier-cancel';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { CARRIER_PORT } from '../../platform/carrier/carrier.tokens';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { LoopLag } from '../../platform/scheduling/loop-lag';
import type { CancellationRow } from '../../domain/cancellation';
import { OutcomeApplier } from '../apply/outcome-applier.service';
import { BudgetStore } from '../../store/budget.store';
import { ClaimsStore, LeasesStore, accountKey } from '../../store/claims.store';
import { AccountSlots, type OfferedItem, type SlotReservation } from './account-slots';
import { callCarrier } from './carrier-call';
import { ClaimLoop } from './claim-loop';
import { IntakeGate } from './intake-gate';
import { LeaseKeeper } from './lease-keeper';
import { ResultBatcher } from './result-batcher';
import { SharedRateBudget } from './shared-rate-budget';

/**
 * Slots held for new cancellations that their creating transaction leases (inserts in flight): run them
 * once it commits, release them if it does not.
 */
export interface Reservation extends SlotReservation {
  /** How long the transaction leases the reserved rows for. */
  leaseMs: number;
}

/**
 * Wires the worker's parts together: slots, the claim loop, the carrier call, the leases it keeps and the result
 * batcher; and gives the carrier client the quota budget shared by every instance.
 */
@Injectable()
export class CarrierWorker {
  private readonly logger = new Logger('CarrierWorker');
  private readonly slots: AccountSlots;
  private readonly claims: ClaimLoop;
  private readonly results: ResultBatcher;
  private readonly leases: LeaseKeeper;
  private budget: SharedRateBudget | null = null;
  private readonly loopLag = new LoopLag();
  private readonly intake = new IntakeGate(
    () => this.dispatchAhead(),
    this.loopLag,
    () => this.budget?.unwrittenMs ?? 0,
  );

  constructor(
    dataSource: DataSource,
    applier: OutcomeApplier,
    private readonly metrics: MetricsService,
    @Inject(CARRIER_PORT) private readonly carrier: CarrierCancelPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // In flight per (API, seller account): the bucket's burst, so waiting calls never exceed what the
    // carrier could take at once (MFN v0's burst of 1 serialises an account, as Amazon requires).
    const limits = config.carrier.rateLimits;
    const caps = {
      'amazon-shipping-v2': limits['amazon-shipping-v2'].burst,
      'amazon-mfn-mws': limits['amazon-mfn-mws'].burst,
      'amazon-mfn-v0': limits['amazon-mfn-v0'].burst,
    };
    // A call parked on a quota booked ahead holds its account's slot but leaves its place in the total to a
    // call that can go now: one seller's deep backlog waiting on its quota does not slow the others' sellers.
    // A call on the wire holds a connection: the connections bound how many calls may be out beyond the total.
    this.slots = new AccountSlots(
      caps,
      config.worker.concurrency,
      () => this.budget?.parked ?? 0,
      config.carrier.maxConnections,
    );
    carrier.useRateBudget?.((settings) => {
      const budget = new SharedRateBudget(new BudgetStore(dataSource), settings, {
        horizonMs: config.carrier.budgetHorizonMs,
        metrics,
        onParked: () => this.claims.slotFreed(),
      });
      this.budget = budget;
      return budget;
    });
    const store = new ClaimsStore(dataSource);
    this.claims = new ClaimLoop(
      store,
      this.slots,
      config.worker,
      (row) => this.call(row),
      () => this.budget?.quotaBound ?? false,
      (account) => this.budget?.bookedAhead(account) ?? false,
    );
    this.leases = new LeaseKeeper(new LeasesStore(dataSource), config.worker.leaseMs, metrics);
    this.results = new ResultBatcher(
      (batch) =>
        applier.apply(batch).finally(() => {
          for (const result of batch) this.leases.let(result.row.id);
        }),
      this.logger,
      () => this.claims.active,
      () => this.budget?.quotaBound ?? false,
    );
  }

  start(): void {
    this.budget?.start();
    this.leases.start();
    this.claims.start();
    this.loopLag.start();
  }

  /** Stops claiming, waits for calls in flight and applies their results. */
  async stop(): Promise<void> {
    await this.claims.stop();
    while (this.slots.busy > 0 || !this.results.idle) {
      await this.results.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.leases.stop();
    this.loopLag.stop();
    this.budget?.close();
  }

  /** New work may be due: scan for it now instead of at the next poll. */
  wake(): void {
    this.claims.wake();
  }

  /** Cancellations this instance just created, claimed by id as slots free up (see ClaimLoop.offer). */
  offer(items: OfferedItem[]): void {
    this.claims.offer(items);
  }

  /**
   * Reserves slots for cancellations a transaction is about to create, as many as are free within each
   * account's cap and not wanted by offered work (ClaimLoop.reservable); the transaction leases the reserved
   * ones. Pass the reservation to `runLeased` once the transaction committed, or to `release` if it did not.
   * The carrier budget creates the items' quotas meanwhile (SharedRateBudget.prepare).
   */
  reserve(items: OfferedItem[]): Reservation {
    this.budget?.prepare(items.map((item) => cancelQuota(item.carrier, item.sellerAccount)));
    const { leased, rest } = this.claims.active
      ? this.slots.reserve(items, this.claims.reservable())
      : { leased: new Map<string, string>(), rest: [...items] };
    return { leased, leaseMs: this.config.worker.leaseMs, rest };
  }

  /** The reserving transaction committed: call the carrier for the rows it leased, and offer the rest. */
  runLeased(reservation: Reservation, rows: CancellationRow[]): void {
    for (const row of this.slots.commit(reservation, rows)) this.call(row);
    if (reservation.rest.length > 0) this.offer(reservation.rest);
  }

  /** The reserving transaction did not commit: free its slots (nothing it would have leased exists). */
  release(reservation: Reservation): void {
    this.slots.rollback(reservation);
  }

  /**
   * Resolves when an intake batch of `messages` may go on (the Kafka transport awaits it), with the function to
   * call once it is handled: paced while the dispatch has committed work in hand (IntakeGate).
   */
  admitIntake(messages: number): Promise<() => void> {
    return this.intake.admit(messages);
  }

  /**
   * Whether the dispatch has committed work in hand: calls in progress, and offered work for every slot
   * (`WORKER_CONCURRENCY`), whether it could start now or waits for room in its accounts (many sellers, each
   * capped at its burst, hold far more work than they may start at once); or requests whose tokens close unless
   * written soon (SharedRateBudget.pressing). The intake is paced only then (IntakeGate): a batch taken in
   * meanwhile would hold the event loop while the calls wait for it, and bring the dispatch nothing it could
   * start sooner.
   */
  private dispatchAhead(): boolean {
    if (this.budget?.pressing) return true;
    return this.slots.busy > 0 && this.claims.offeredWaiting >= this.config.worker.concurrency;
  }

  /** Slots held: calls out, and slots reserved for transactions that have not committed yet. */
  get busy(): number {
    return this.slots.busy;
  }

  /** Calls the carrier for a row whose slot is already held; the slot is given back when the call ends. */
  private call(row: CancellationRow): void {
    const key = accountKey(row);
    this.leases.hold(row.id, row.attempts);
    this.results.callStarted();
    let away = false;
    // While its request waits on Amazon the call leaves its place to another (AccountSlots.free).
    const awaitingCarrier = (waiting: boolean): void => {
      if (waiting === away) return;
      away = waiting;
      this.slots.awaiting(waiting);
      if (waiting) this.claims.slotFreed();
    };
    callCarrier(this.carrier, row, this.config.carrier.deadlineMs, awaitingCarrier)
      .then((result) => {
        const kind = result.operation === 'cancel' ? result.outcome.kind : `status_${result.status.kind}`;
        this.metrics.carrierLatency.observe({ carrier: row.carrier, outcome: kind }, result.elapsedMs / 1000);
        this.results.add(result);
      })
      .catch((error: unknown) => {
        // The port promises typed outcomes; a throw is a bug. The lease brings the work back later.
        this.logger.error(`carrier call for cancellation ${row.id} threw: ${(error as Error).message}`);
        this.leases.let(row.id);
      })
      .finally(() => {
        awaitingCarrier(false);
        this.slots.release(key);
        this.results.callEnded();
        this.claims.slotFreed();
      });
  }
}
