// One transaction and what must follow it. The work says what it did (events appended, cancellations made due
// or leased); once the transaction commits the unit of work tells the relay and the carrier worker, and if it
// rolls back it gives back the carrier slots the work had reserved. No caller schedules these by hand.
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CloudEvent } from '@oms/events';
import type { CancellationRow } from '../domain/cancellation';
import { OutboxWriter, type PendingEvent } from './outbox.writer';

/** A cancellation about to be created, named by the (API, seller account) whose carrier slot it needs. */
export type SlotRequest = Pick<CancellationRow, 'id' | 'carrier' | 'sellerAccount'>;

/** The new cancellations given a carrier slot (inserted in flight, leased for `leaseMs`); the value is the lessor's. */
export interface LeaseGrant {
  leased: ReadonlyMap<string, unknown>;
  leaseMs: number;
}

export const NO_LEASE: LeaseGrant = { leased: new Map(), leaseMs: 0 };

/** Slots reserved inside a transaction: run once it commits, released if it does not. */
export interface SlotReservation extends LeaseGrant {
  /** Committed: call the carrier for the leased rows, and offer the rest. */
  run(leasedRows: CancellationRow[]): void;
  /** Rolled back: free the slots (nothing leased exists). */
  release(): void;
}

/** The carrier worker as a transaction sees it; the pipeline connects the real one at startup. */
export interface CarrierWorkerSignals {
  /** New work may be due: scan for it now. */
  wake(): void;
  /** Reserves free slots for cancellations the transaction is about to create. */
  reserve(items: SlotRequest[]): SlotReservation;
}

/** One running transaction: its EntityManager, and what it records for after the commit or the rollback. */
export class Transaction {
  private readonly committed: Array<() => void> = [];
  private readonly rolledBack: Array<() => void> = [];
  private relayNotified = false;
  private workerWoken = false;

  constructor(
    readonly manager: EntityManager,
    private readonly outbox: OutboxWriter,
    private readonly worker: CarrierWorkerSignals | null,
  ) {}

  /** Inserts events into the outbox; the relay is told once the transaction commits. */
  async append(events: PendingEvent[]): Promise<CloudEvent<unknown>[]> {
    const appended = await this.outbox.append(this.manager, events);
    this.eventsAppended(appended.length);
    return appended;
  }

  /** Events inserted into the outbox by a statement of the caller's own (OutboxWriter.prepare): same notice. */
  eventsAppended(count: number): void {
    if (count === 0 || this.relayNotified) return;
    this.relayNotified = true;
    this.afterCommit(() => this.outbox.notifyCommitted());
  }

  /** Carrier work became due (pending cancellations): the worker scans for it once committed. */
  workDue(): void {
    if (this.workerWoken || !this.worker) return;
    this.workerWoken = true;
    const worker = this.worker;
    this.afterCommit(() => worker.wake());
  }

  /**
   * Reserves carrier slots for cancellations this transaction creates, to insert those granted already in
   * flight; after commit the carrier is called for them (and the rest offered), after a rollback the slots are freed.
   */
  lease(rows: CancellationRow[]): LeaseGrant {
    if (!this.worker || rows.length === 0) return NO_LEASE;
    const reservation = this.worker.reserve(rows);
    const leasedRows = rows.filter((row) => reservation.leased.has(row.id));
    this.afterCommit(() => reservation.run(leasedRows));
    this.onRollback(() => reservation.release());
    return reservation;
  }

  afterCommit(action: () => void): void {
    this.committed.push(action);
  }

  onRollback(action: () => void): void {
    this.rolledBack.push(action);
  }

  /** Runs the actions recorded for how the transaction ended. */
  settle(outcome: 'committed' | 'rolled_back', logger: Logger): void {
    for (const action of outcome === 'committed' ? this.committed : this.rolledBack) {
      // The transaction's fate is sealed: an action that throws must not make it look otherwise.
      try {
        action();
      } catch (error) {
        logger.error(`an action after the transaction ${outcome} threw: ${(error as Error).message}`);
      }
    }
  }
}

@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger('UnitOfWork');
  private worker: CarrierWorkerSignals | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Connects the carrier worker (at startup); until then work made due is left to the worker's poll. */
  connectWorker(worker: CarrierWorkerSignals): void {
    this.worker = worker;
  }

  /** Runs `work` in one transaction, then the actions it recorded for the commit or the rollback. */
  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let tx: Transaction | null = null;
    let result: T;
    try {
      result = await this.dataSource.transaction((manager) => {
        tx = new Transaction(manager, this.outbox, this.worker);
        return work(tx);
      });
    } catch (error) {
      (tx as Transaction | null)?.settle('rolled_back', this.logger);
      throw error;
    }
    (tx as Transaction | null)?.settle('committed', this.logger);
    return result;
  }
}
