// The statements of an operator's resolution of a cancellation (lock it with what its event needs, settle it,
// read back who resolved it) and of the bulk retry's selection of failed cancellations.
import type { EntityManager } from 'typeorm';
import type { CancellationRow, CancellationState } from '../domain/cancellation';
import { CANCELLATION_ROW_COLUMNS } from './cancellation-columns';
import { preparedQuery } from './query-rows';

const LOCK_TO_RESOLVE = `SELECT ${CANCELLATION_ROW_COLUMNS}
    FROM shipment_cancellation sc
    JOIN shipment s ON s.id = sc.shipment_id
    JOIN cancellation_request r ON r.id = sc.request_id
   WHERE sc.id = $1
     FOR UPDATE OF sc`;

/** Locks the cancellation's row (the caller holds its order's lock) and returns it; null when it is gone. */
export async function lockCancellationToResolve(
  manager: EntityManager,
  id: string,
): Promise<CancellationRow | null> {
  const [row] = await preparedQuery<CancellationRow>(manager, LOCK_TO_RESOLVE, [id]);
  return row ?? null;
}

/** What a resolution sets: the settled state and what it says, and the shipment's new status. */
export interface ResolvedCancellation {
  id: string;
  state: CancellationState;
  /** null keeps the outcome recorded (as the apply step does for a failure). */
  outcome: string | null;
  failureReason: string | null;
  requiresManualAction: boolean;
  refundStatus: string;
  shipmentStatus: string;
  /** The sequence of the final event the resolution earns, and its id (the final event a later one supersedes). */
  eventSequence: number;
  lastFinalEventId: string;
}

// Settled: nothing left for the worker (no next attempt, no lease), completed now.
const RESOLVE = `WITH resolved AS (
       UPDATE shipment_cancellation
          SET state = $2, outcome = COALESCE($3, outcome), failure_reason = $4, requires_manual_action = $5,
              refund_status = $6, next_attempt_at = NULL, lease_until = NULL, completed_at = $8, updated_at = $8,
              event_sequence = $9, last_final_event_id = $10
        WHERE id = $1
       RETURNING shipment_id
     )
     UPDATE shipment s SET status = $7, updated_at = $8 FROM resolved WHERE s.id = resolved.shipment_id`;

/** Settles the cancellation as resolved and moves its shipment. */
export async function settleResolvedCancellation(
  manager: EntityManager,
  resolved: ResolvedCancellation,
  now: Date,
): Promise<void> {
  const r = resolved;
  await preparedQuery(manager, RESOLVE, [
    r.id,
    r.state,
    r.outcome,
    r.failureReason,
    r.requiresManualAction,
    r.refundStatus,
    r.shipmentStatus,
    now,
    r.eventSequence,
    r.lastFinalEventId,
  ]);
}

/** Who resolved a cancellation last, as what, when and why (from the audit log). */
export interface ResolutionRecord {
  outcome: string;
  by: string;
  reason: string;
  at: Date;
}

// audit_log_target_idx serves it; only resolutions that were carried out (200) count.
const LATEST_RESOLUTION = `SELECT request->'body'->>'outcome' AS outcome, actor AS "by", reason, occurred_at AS "at"
    FROM audit_log
   WHERE target_type = 'shipment_cancellation' AND target_id = $1
     AND action = 'resolve_cancellation' AND response_status = 200
   ORDER BY id DESC
   LIMIT 1`;

/** The cancellation's latest resolution, or null when no operator resolved it. */
export async function findLatestResolution(
  manager: EntityManager,
  cancellationId: string,
): Promise<ResolutionRecord | null> {
  const [found] = await preparedQuery<ResolutionRecord>(manager, LATEST_RESOLUTION, [cancellationId]);
  return found ?? null;
}

/** Which failed cancellations a bulk retry takes; every field given narrows. */
export interface FailedFilter {
  sellerAccount: string | null;
  failureReason: string | null;
  /** Failed (completed) at or after. */
  failedFrom: Date | null;
  /** Failed before. */
  failedTo: Date | null;
}

const FAILED_MATCHING = `FROM shipment_cancellation sc
   WHERE sc.state = 'failed'
     AND ($1::text IS NULL OR sc.seller_account = $1)
     AND ($2::text IS NULL OR sc.failure_reason = $2)
     AND ($3::timestamptz IS NULL OR sc.completed_at >= $3)
     AND ($4::timestamptz IS NULL OR sc.completed_at < $4)`;

const COUNT_FAILED = `SELECT count(*)::int AS matched ${FAILED_MATCHING}`;
const FIND_FAILED = `SELECT sc.id, sc.order_id AS "orderId" ${FAILED_MATCHING}
   ORDER BY sc.completed_at, sc.id
   LIMIT $5`;

const filterParams = (f: FailedFilter): unknown[] => [
  f.sellerAccount,
  f.failureReason,
  f.failedFrom,
  f.failedTo,
];

/** How many failed cancellations match the filter. */
export async function countFailedCancellations(
  manager: EntityManager,
  filter: FailedFilter,
): Promise<number> {
  const [row] = await preparedQuery<{ matched: number }>(manager, COUNT_FAILED, filterParams(filter));
  return row?.matched ?? 0;
}

/** Up to `limit` matching failed cancellations, the longest failed first (not locked: the caller locks them). */
export function findFailedCancellations(
  manager: EntityManager,
  filter: FailedFilter,
  limit: number,
): Promise<Array<{ id: string; orderId: string }>> {
  return preparedQuery(manager, FIND_FAILED, [...filterParams(filter), limit]);
}
