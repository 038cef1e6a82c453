// The statements that claim cancellations for a worker, leasing what they take: work a claimer never
// finishes comes back once its lease runs out.
import type { DataSource } from 'typeorm';
import type { CarrierApi } from '@oms/events';
import { CANCELLATION_ROW_COLUMNS, STATE_WITHOUT_INDEX, type CancellationRow } from './cancellation-columns';
import { preparedQuery } from './query-rows';
import { SHIPMENT_CANCELLATION } from './tables/cancellation.tables';

/** The key of an (API, seller account), spelled as the claim statement builds it from a row. */
export function accountKey(item: { carrier: string; sellerAccount: string }): string {
  return `${item.carrier}|${item.sellerAccount}`;
}

/** What one scan for due work may take. */
export interface DueClaim {
  /** The most rows to claim. */
  limit: number;
  /** Room left per account key (see `accountKey`) for the accounts holding slots; 0 skips the account. */
  roomByAccount: ReadonlyMap<string, number>;
  /** The room of an account holding no slot: its API's calls out at once. */
  caps: Readonly<Record<CarrierApi, number>>;
  leaseMs: number;
}

/** Claims pending cancellations by id ($1), leasing them for $2 ms; those another claimer took are skipped. */
export const CLAIM_BY_IDS = `UPDATE shipment_cancellation sc
      SET state = 'in_flight', operation = 'cancel', attempts = sc.attempts + 1,
          lease_until = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
     FROM shipment s, cancellation_request r
    WHERE sc.id = ANY($1::uuid[]) AND ${STATE_WITHOUT_INDEX} = 'pending' AND sc.next_attempt_at <= now()
      AND s.id = sc.shipment_id AND r.id = sc.request_id
   RETURNING ${CANCELLATION_ROW_COLUMNS}`;

const CANDIDATE = SHIPMENT_CANCELLATION.names(['id', 'carrier', 'sellerAccount', 'nextAttemptAt']);

// Due rows, at most each account's room of them, from two ordered index scans (not one OR); only the rows
// finally picked are locked.
const CLAIM_DUE = `WITH candidates AS (
         (SELECT ${CANDIDATE} FROM shipment_cancellation
           WHERE state IN ('pending', 'unknown', 'refund_pending') AND next_attempt_at <= now()
             AND NOT (carrier || '|' || seller_account = ANY($1::text[]))
           ORDER BY next_attempt_at LIMIT $2)
         UNION ALL
         (SELECT ${CANDIDATE} FROM shipment_cancellation
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
          -- Round the accounts (each one's oldest first): a seller's deep backlog does not take every slot.
          ORDER BY ranked.rn, ranked.next_attempt_at
          LIMIT $8
       ), locked AS (
         -- Conditions again: under FOR UPDATE they are rechecked on rows another claimer just changed.
         SELECT sc.id FROM shipment_cancellation sc
          WHERE sc.id IN (SELECT id FROM picked)
            AND ((${STATE_WITHOUT_INDEX} IN ('pending', 'unknown', 'refund_pending') AND sc.next_attempt_at <= now())
                 OR (${STATE_WITHOUT_INDEX} = 'in_flight' AND sc.lease_until < now()))
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
       RETURNING ${CANCELLATION_ROW_COLUMNS}`;

/** Claims cancellations for this instance's carrier calls: offered ones by id, due ones by scan. */
export class ClaimsStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims pending cancellations by id, leased for `leaseMs`; those another claimer took are skipped. */
  claimByIds(ids: readonly string[], leaseMs: number): Promise<CancellationRow[]> {
    return preparedQuery<CancellationRow>(this.dataSource, CLAIM_BY_IDS, [ids, leaseMs]);
  }

  /** Claims up to `limit` due cancellations, within each account's room. */
  claimDue({ limit, roomByAccount, caps, leaseMs }: DueClaim): Promise<CancellationRow[]> {
    const keys = [...roomByAccount.keys()];
    const remaining = [...roomByAccount.values()];
    const saturated = keys.filter((_, i) => remaining[i] === 0);
    return preparedQuery<CancellationRow>(this.dataSource, CLAIM_DUE, [
      saturated,
      // Candidates per scan: more than the limit, as each account's room leaves some out.
      Math.max(limit * 4, 200),
      keys,
      remaining,
      caps['amazon-shipping-v2'],
      caps['amazon-mfn-mws'],
      caps['amazon-mfn-v0'],
      limit,
      leaseMs,
    ]);
  }
}

/**
 * Extends the leases of cancellations still in flight under the claim that took them (same attempt), by $3 ms;
 * returns the ids renewed. A row another claimer took over after the lease ran out is left alone. It never waits
 * for a lock: a row locked elsewhere (its result being applied, in this instance's other connection) is skipped,
 * and the next renewal, a third of a lease later, takes it if it is still in flight. Waiting there deadlocked
 * against an apply that locked the same rows in another order.
 */
export const RENEW_LEASES = `UPDATE shipment_cancellation t
      SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
     FROM (SELECT sc.id
             FROM shipment_cancellation sc
             JOIN unnest($1::uuid[], $2::int[]) AS h(id, attempts) ON sc.id = h.id AND sc.attempts = h.attempts
            WHERE ${STATE_WITHOUT_INDEX} = 'in_flight'
            ORDER BY sc.id
              FOR UPDATE OF sc SKIP LOCKED) held
    WHERE t.id = held.id
   RETURNING t.id`;

/** Keeps the leases of the work an instance holds. */
export class LeasesStore {
  constructor(private readonly dataSource: DataSource) {}

  async renew(held: ReadonlyMap<string, number>, leaseMs: number): Promise<Set<string>> {
    const rows = await preparedQuery<{ id: string }>(this.dataSource, RENEW_LEASES, [
      [...held.keys()],
      [...held.values()],
      leaseMs,
    ]);
    return new Set(rows.map((r) => r.id));
  }
}
