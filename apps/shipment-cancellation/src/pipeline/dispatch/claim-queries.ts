// The statements that claim cancellations for this instance: by id (work it created and offered itself) and by
// scan (retries, follow-ups, other instances' leftovers, leases that ran out). A claim leases the rows it
// takes, so work a claimer never finishes comes back once the lease runs out.
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../store/query-rows';
import { CANCELLATION_ROW_COLUMNS, SC_STATE, type CancellationRow } from '../../store/cancellation-columns';
import type { AccountSlots } from './account-slots';

/** Claims pending cancellations by id ($1), leasing them for $2 ms; those another claimer took are skipped. */
export const CLAIM_BY_IDS = `UPDATE shipment_cancellation sc
      SET state = 'in_flight', operation = 'cancel', attempts = sc.attempts + 1,
          lease_until = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
     FROM shipment s, cancellation_request r
    WHERE sc.id = ANY($1::uuid[]) AND ${SC_STATE} = 'pending' AND sc.next_attempt_at <= now()
      AND s.id = sc.shipment_id AND r.id = sc.request_id
   RETURNING ${CANCELLATION_ROW_COLUMNS}`;

// Claims due cancellations, at most as many per account as its slots have room for. Candidates come from two
// ordered index scans rather than one OR: each stops at its LIMIT and marks dead index entries (rows already
// done), so claims stay cheap while the table churns. Only the rows finally picked are locked: row locks are
// writes.
const CLAIM_DUE = `WITH candidates AS (
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
       RETURNING ${CANCELLATION_ROW_COLUMNS}`;

export class CancellationClaims {
  constructor(
    private readonly dataSource: DataSource,
    private readonly slots: AccountSlots,
    private readonly leaseMs: number,
  ) {}

  /** Claims pending cancellations by id (those another claimer took are skipped). */
  byIds(ids: string[]): Promise<CancellationRow[]> {
    return preparedQuery<CancellationRow>(this.dataSource, CLAIM_BY_IDS, [ids, this.leaseMs]);
  }

  /** Claims up to `limit` due cancellations, skipping accounts with no slot free. */
  due(limit: number): Promise<CancellationRow[]> {
    const { keys, remaining } = this.slots.accounts();
    const saturated = keys.filter((_, i) => remaining[i] === 0);
    const caps = this.slots.caps;
    return preparedQuery<CancellationRow>(this.dataSource, CLAIM_DUE, [
      saturated,
      Math.max(limit * 4, 200),
      keys,
      remaining,
      caps['amazon-shipping-v2'],
      caps['amazon-mfn-mws'],
      caps['amazon-mfn-v0'],
      limit,
      this.leaseMs,
    ]);
  }
}
