// Executes due shipment cancellations against the carrier, outside any Kafka consumer: a slow or throttled
// carrier never holds a partition or a consumer-group heartbeat. Work is claimed from Postgres with a lease
// (so another instance, or this one after a crash, takes it over), bounded per carrier account so one
// throttled account cannot take every slot, and results are applied in batches.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CancelRequest, CarrierCancelPort } from '@oms/carrier-cancel';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { CARRIER_PORT } from '../carrier/carrier.tokens';
import { MetricsService } from '../metrics/metrics.service';
import { preparedQuery } from '../database/query-rows';
import { WakeSignal } from '../scheduling/wake-signal';
import { CANCELLATION_ROW_COLUMNS, SC_STATE, type CancellationRow } from './cancellation-row';
import type { CarrierResult } from './carrier-result';
import { OutcomeApplier } from './outcome-applier.service';

const APPLY_BATCH = 500;
const APPLY_CONCURRENCY = 2;
const CLAIM_COALESCE_MS = 5;
/**
 * How long a result may wait for the calls still out before it is applied without them. Calls started
 * together (one transaction's leases, one claim) answer within a millisecond or two of each other, so waiting
 * for them applies them in one transaction instead of one each: a multi-shipment order's outcomes and its
 * ManualReshipRequired land together, and there are fewer commits for the relay to pick up.
 */
const APPLY_LINGER_MS = 4;

/**
 * Slots held for new cancellations that their creating transaction leases (inserts in flight): run them
 * once it commits, release them if it does not.
 */
export interface Reservation {
  /** Each cancellation given a slot, with the (API, seller account) whose slot it holds: these are leased. */
  leased: ReadonlyMap<string, string>;
  leaseMs: number;
  /** The items there was no slot for: offered once the transaction commits. */
  rest: OfferedItem[];
}

type OfferedItem = { id: string; carrier: CancellationRow['carrier']; sellerAccount: string };

/** Claims pending cancellations by id ($1), leasing them for $2 ms; those another claimer took are skipped. */
export const CLAIM_BY_IDS = `UPDATE shipment_cancellation sc
      SET state = 'in_flight', operation = 'cancel', attempts = sc.attempts + 1,
          lease_until = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
     FROM shipment s, cancellation_request r
    WHERE sc.id = ANY($1::uuid[]) AND ${SC_STATE} = 'pending' AND sc.next_attempt_at <= now()
      AND s.id = sc.shipment_id AND r.id = sc.request_id
   RETURNING ${CANCELLATION_ROW_COLUMNS}`;

@Injectable()
export class CarrierWorker {
  private readonly logger = new Logger('CarrierWorker');
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly signal = new WakeSignal();
  private readonly inFlight = new Map<string, number>();
  /** Offered cancellation ids per (API, seller account), oldest first. */
  private readonly offered = new Map<string, string[]>();
  private offeredCount = 0;
  private inFlightTotal = 0;
  private coalesced = false;
  /** When the last scan for due work ran, and whether another is wanted before the poll comes round. */
  private lastScanAt = 0;
  private scanWanted = true;
  private readonly pending: CarrierResult[] = [];
  /** When the oldest result in `pending` arrived, and the timer that applies it once it has lingered enough. */
  private pendingSince = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Carrier calls under way (slots reserved for a transaction that has not committed yet are not calls). */
  private calling = 0;
  private readonly applying = new Set<Promise<void>>();
  private applyFailures = 0;
  private readonly caps: Record<CancellationRow['carrier'], number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly applier: OutcomeApplier,
    private readonly metrics: MetricsService,
    @Inject(CARRIER_PORT) private readonly carrier: CarrierCancelPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // In flight per (API, seller account): the bucket's burst, so waiting calls never exceed what the
    // carrier could take at once (MFN v0's burst of 1 serialises an account, as Amazon requires).
    const limits = config.carrier.rateLimits;
    this.caps = {
      'amazon-shipping-v2': limits['amazon-shipping-v2'].burst,
      'amazon-mfn-mws': limits['amazon-mfn-mws'].burst,
      'amazon-mfn-v0': limits['amazon-mfn-v0'].burst,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming, waits for calls in flight and applies their results. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    while (this.inFlightTotal > 0 || this.pending.length > 0 || this.applying.size > 0) {
      await this.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** New work may be due: scan for it now instead of at the next poll. */
  wake(): void {
    this.scanWanted = true;
    this.signal.notify();
  }

  /**
   * Cancellations this instance just created: claimed by id as slots free up, so the hot path never scans
   * for due work. Only a hint — they are pending in Postgres too, and any claimer may take them instead.
   */
  offer(items: OfferedItem[]): void {
    for (const item of items) {
      const key = keyOf(item);
      const queue = this.offered.get(key);
      if (queue) queue.push(item.id);
      else this.offered.set(key, [item.id]);
    }
    this.offeredCount += items.length;
    this.signal.notify();
  }

  /**
   * Reserves slots for cancellations a transaction is about to create, as many as are free within each
   * account's cap; the transaction leases the reserved ones. Pass the reservation to `runLeased` once the
   * transaction committed, or to `release` if it did not.
   */
  reserve(items: OfferedItem[]): Reservation {
    let free = this.running ? this.config.worker.concurrency - this.inFlightTotal : 0;
    const slots = new Map<string, string>();
    const rest: OfferedItem[] = [];
    for (const item of items) {
      const key = keyOf(item);
      if (free > 0 && (this.inFlight.get(key) ?? 0) < this.capFor(key)) {
        this.hold(key, 1);
        slots.set(item.id, key);
        free -= 1;
      } else rest.push(item);
    }
    return { leased: slots, leaseMs: this.config.worker.leaseMs, rest };
  }

  /** The reserving transaction committed: call the carrier for the rows it leased, and offer the rest. */
  runLeased(reservation: Reservation, rows: CancellationRow[]): void {
    const slots = new Map(reservation.leased);
    for (const row of rows) {
      if (!slots.delete(row.id)) continue;
      this.call(row);
    }
    // A reserved id the transaction did not lease (none should be) gives its slot back.
    for (const key of slots.values()) this.hold(key, -1);
    if (reservation.rest.length > 0) this.offer(reservation.rest);
  }

  /** The reserving transaction did not commit: free its slots (nothing it would have leased exists). */
  release(reservation: Reservation): void {
    for (const key of reservation.leased.values()) this.hold(key, -1);
  }

  get busy(): number {
    return this.inFlightTotal;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let claimed = 0;
      const free = this.config.worker.concurrency - this.inFlightTotal;
      // Each finished call frees a slot and wakes us; claiming for one slot at a time would cost a query per
      // call. With few slots free, let a few more finish first.
      if (free > 0 && free < this.config.worker.concurrency / 4 && !this.coalesced) {
        this.coalesced = true;
        await new Promise((resolve) => setTimeout(resolve, CLAIM_COALESCE_MS));
        continue;
      }
      this.coalesced = false;
      const scanDue = this.scanWanted || Date.now() - this.lastScanAt >= this.config.worker.pollIntervalMs;
      if (free > 0 && (this.offeredCount > 0 || scanDue)) {
        try {
          // Offered work first; the scan for due work (retries, follow-ups, other instances' leftovers) when
          // nothing is offered, once per poll interval (or at once after a wake() or a full scan): a finished
          // call frees a slot but makes nothing new due.
          const offered = this.offeredCount > 0 ? await this.claimOffered(free) : [];
          for (const row of offered) this.execute(row);
          claimed = offered.length;
          if (claimed < free && scanDue) {
            const room = free - claimed;
            this.scanWanted = false;
            this.lastScanAt = Date.now();
            const due = await this.claim(room);
            this.scanWanted = due.length === room;
            for (const row of due) this.execute(row);
            claimed += due.length;
          }
          failures = 0;
        } catch (error) {
          failures += 1;
          this.logger.error(`claiming work failed (${failures} in a row): ${(error as Error).message}`);
        }
      }
      // A full claim means more may be due: go again at once; otherwise wait for a wake-up or the poll.
      if (claimed > 0 && (claimed === free || this.offeredCount > 0)) continue;
      const untilScan = this.lastScanAt + this.config.worker.pollIntervalMs - Date.now();
      const delay = failures > 0 ? Math.min(30_000, 500 * 2 ** failures) : Math.max(1, untilScan);
      await this.signal.wait(delay);
    }
  }

  /** Claims offered cancellations by id, within each account's in-flight cap. */
  private async claimOffered(limit: number): Promise<CancellationRow[]> {
    const ids: string[] = [];
    for (const [key, queue] of this.offered) {
      const room = Math.min(limit - ids.length, this.capFor(key) - (this.inFlight.get(key) ?? 0));
      if (room <= 0) continue;
      const taken = queue.splice(0, room);
      for (const id of taken) ids.push(id);
      if (queue.length === 0) this.offered.delete(key);
      if (ids.length >= limit) break;
    }
    this.offeredCount -= ids.length;
    if (ids.length === 0) return [];
    return this.claimByIds(ids);
  }

  /** Claims pending cancellations by id (those another claimer took are skipped). */
  private claimByIds(ids: string[]): Promise<CancellationRow[]> {
    return preparedQuery<CancellationRow>(this.dataSource, CLAIM_BY_IDS, [ids, this.config.worker.leaseMs]);
  }

  private async claim(limit: number): Promise<CancellationRow[]> {
    const keys = [...this.inFlight.keys()];
    const remaining = keys.map((key) => Math.max(0, this.capFor(key) - (this.inFlight.get(key) ?? 0)));
    const saturated = keys.filter((_, i) => remaining[i] === 0);
    return preparedQuery<CancellationRow>(
      this.dataSource,
      // Candidates come from two ordered index scans rather than one OR: each stops at its LIMIT and marks
      // dead index entries (rows already done), so claims stay cheap while the table churns. Only the rows
      // finally picked are locked: row locks are writes.
      `WITH candidates AS (
         (SELECT id, carrier, seller_account, next_attempt_at FROM shipment_cancellation
           WHERE state IN ('pending', 'unknown', 'refund_pending') AND next_attempt_at <= now()
             AND NOT (carrier || '|' || seller_account = ANY($1::text[]))
           ORDER BY next_attempt_at LIMIT $2)
         UNION ALL
         (SELECT id, carrier, seller_account, next_attempt_at FROM shipment_cancellation
           WHERE state = 'in_flight' AND lease_until < now()
           ORDER BY lease_until LIMIT $2)
       ), ranked AS (
         SELECT id, carrier, next_attempt_at, carrier || '|' || seller_account AS key,
                row_number() OVER (PARTITION BY carrier, seller_account ORDER BY next_attempt_at, id) AS rn
           FROM candidates
       ), picked AS (
         SELECT ranked.id FROM ranked
           LEFT JOIN unnest($3::text[], $4::int[]) AS k(key, remaining) ON k.key = ranked.key
          WHERE ranked.rn <= COALESCE(k.remaining, CASE ranked.carrier WHEN 'amazon-shipping-v2' THEN $5::int
                                                         WHEN 'amazon-mfn-mws' THEN $6::int ELSE $7::int END)
          ORDER BY ranked.next_attempt_at
          LIMIT $8
       ), locked AS (
         -- Conditions again: under FOR UPDATE they are rechecked on rows another claimer just changed.
         SELECT sc.id FROM shipment_cancellation sc
          WHERE sc.id IN (SELECT id FROM picked)
            AND ((${SC_STATE} IN ('pending', 'unknown', 'refund_pending') AND sc.next_attempt_at <= now())
                 OR (${SC_STATE} = 'in_flight' AND sc.lease_until < now()))
          FOR UPDATE SKIP LOCKED
       )
       UPDATE shipment_cancellation sc
          SET state = 'in_flight',
              -- A lease that ran out means a call of ours may have reached the carrier before a crash.
              possibly_sent = sc.possibly_sent OR (sc.state = 'in_flight' AND sc.operation = 'cancel'),
              operation = CASE WHEN sc.state = 'refund_pending' THEN 'follow_up'
                               WHEN sc.state = 'in_flight' THEN sc.operation ELSE 'cancel' END,
              attempts = sc.attempts + 1,
              lease_until = now() + make_interval(secs => $9::double precision / 1000),
              updated_at = now()
         FROM locked, shipment s, cancellation_request r
        WHERE sc.id = locked.id AND s.id = sc.shipment_id AND r.id = sc.request_id
       RETURNING ${CANCELLATION_ROW_COLUMNS}`,
      [
        saturated,
        Math.max(limit * 4, 200),
        keys,
        remaining,
        this.caps['amazon-shipping-v2'],
        this.caps['amazon-mfn-mws'],
        this.caps['amazon-mfn-v0'],
        limit,
        this.config.worker.leaseMs,
      ],
    );
  }

  private capFor(key: string): number {
    const carrier = key.slice(0, key.indexOf('|')) as CancellationRow['carrier'];
    return this.caps[carrier] ?? 1;
  }

  /** Takes (or, with a negative count, gives back) slots of an account. */
  private hold(key: string, count: number): void {
    const left = (this.inFlight.get(key) ?? 0) + count;
    if (left <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, left);
    this.inFlightTotal += count;
  }

  private execute(row: CancellationRow): void {
    this.hold(keyOf(row), 1);
    this.call(row);
  }

  /** Calls the carrier for a row whose slot is already held; the slot is given back when the call ends. */
  private call(row: CancellationRow): void {
    const key = keyOf(row);
    const request: CancelRequest = {
      api: row.carrier,
      carrierShipmentId: row.carrierShipmentId,
      sellerAccount: row.sellerAccount,
      ...(row.businessId ? { businessId: row.businessId } : {}),
      ...(row.marketplaceId ? { marketplaceId: row.marketplaceId } : {}),
      ...(row.trackingId ? { trackingId: row.trackingId } : {}),
      ...(row.carrierId ? { carrierId: row.carrierId } : {}),
      deadlineMs: this.config.carrier.deadlineMs,
    };
    const started = performance.now();
    this.calling += 1;
    const call: Promise<CarrierResult> =
      row.operation === 'follow_up'
        ? this.carrier.status(request).then((status) => ({
            row,
            operation: 'status' as const,
            status,
            elapsedMs: performance.now() - started,
            finishedAt: new Date(),
          }))
        : this.carrier.cancel(request).then((outcome) => ({
            row,
            operation: 'cancel' as const,
            outcome,
            elapsedMs: performance.now() - started,
            finishedAt: new Date(),
          }));
    call
      .then((result) => {
        const kind = result.operation === 'cancel' ? result.outcome.kind : `status_${result.status.kind}`;
        this.metrics.carrierLatency.observe({ carrier: row.carrier, outcome: kind }, result.elapsedMs / 1000);
        if (this.pending.length === 0) this.pendingSince = performance.now();
        this.pending.push(result);
      })
      .catch((error: unknown) => {
        // The port promises typed outcomes; a throw is a bug. The lease brings the work back later.
        this.logger.error(`carrier call for cancellation ${row.id} threw: ${(error as Error).message}`);
      })
      .finally(() => {
        this.hold(key, -1);
        this.calling -= 1;
        void this.flush();
        // A slot is free: offered work waiting for one may go now.
        if (this.offeredCount > 0) this.signal.notify();
      });
  }

  /**
   * Applies queued results in batches, APPLY_CONCURRENCY transactions at once (two: a result that arrives
   * while one batch commits starts at once instead of waiting for that WAL flush; under load, results that
   * arrive while both run make the next batch larger; each locks its orders in lock-key order, so they cannot
   * deadlock); a database error puts the batch back and retries after a pause. While calls are still out, a
   * result waits up to APPLY_LINGER_MS for them, so calls made together are applied together.
   */
  private flush(): Promise<void> {
    while (this.applying.size < APPLY_CONCURRENCY && this.pending.length > 0) {
      const lingered = performance.now() - this.pendingSince;
      if (
        this.running &&
        this.calling > 0 &&
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
      const run: Promise<void> = this.applier
        .apply(batch)
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

function keyOf(item: { carrier: string; sellerAccount: string }): string {
  return `${item.carrier}|${item.sellerAccount}`;
}
