// The apply step's one statement: it takes the orders' locks, moves the cancellations whose claim still holds,
// records every carrier attempt, moves the shipments and appends the applied cancellations' events.
import type { EntityManager } from 'typeorm';
import type { CancellationState } from '../domain/cancellation';
import { STATE_WITHOUT_INDEX } from './cancellation-columns';
import { lockOrdersSql } from './order-lock';
import { type OutboxEntry, insertOutboxRows, outboxParamCount, outboxRowParams } from './outbox.fragment';
import { preparedQuery } from './query-rows';
import { Table, col } from './table';
import { CARRIER_ATTEMPT, type CarrierAttemptColumns } from './tables/carrier-attempt.tables';
import { SHIPMENT, SHIPMENT_CANCELLATION } from './tables/cancellation.tables';

/** What one carrier result sets on its cancellation, and on its shipment; a null marked "keeps" keeps the old value. */
export interface OutcomeUpdate {
  id: string;
  /** The attempt the claim made: the update applies only while the cancellation is in flight at it. */
  attempts: number;
  state: CancellationState;
  /** null keeps. */
  outcome: string | null;
  failureReason: string | null;
  requiresManualAction: boolean;
  /** null keeps. */
  refundStatus: string | null;
  nextAttemptAt: Date | null;
  completedAt: Date | null;
  possiblySent: boolean;
  /** null keeps. */
  carrierRequestId: string | null;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorDetails: string | null;
  /** The shipment's new status; null leaves the shipment as it is. */
  shipmentStatus: string | null;
  /** The sequence of the event this update earns; null (no event) keeps the count and the last final event. */
  eventSequence: number | null;
  /** With an event: its id if it is final, else null (the event superseded the last final one). */
  lastFinalEventId: string | null;
}

/** One carrier call as carrier_attempt records it (its id is generated). */
export type CarrierAttemptRow = Omit<CarrierAttemptColumns, 'id'>;

export interface OutcomeBatch {
  updates: OutcomeUpdate[];
  /** Every attempt is recorded, applied or not. */
  attempts: CarrierAttemptRow[];
  /** The updates' events, each owned by its cancellation: appended only where that update applies. */
  events: OutboxEntry[];
  /** The orders whose locks the statement takes first (repeats are fine). */
  orderIds: string[];
  now: Date;
}

/**
 * A cancellation the batch moved. Its request's reship rule is not returned: the statement's snapshot predates
 * the wait for the orders' locks, so a rule read here may be one a late shipment's recount has changed since
 * (one shipment → several), and an order judged single-shipment by it would never be given its
 * ManualReshipRequired. The progress that follows reads the rule in statements of its own.
 */
export interface AppliedOutcome {
  id: string;
  orderId: string;
}

const sc = SHIPMENT_CANCELLATION.columns;
const UPDATE = new Table<OutcomeUpdate>('shipment_cancellation', {
  id: sc.id,
  attempts: sc.attempts,
  state: sc.state,
  outcome: sc.outcome,
  failureReason: sc.failureReason,
  requiresManualAction: sc.requiresManualAction,
  refundStatus: sc.refundStatus,
  nextAttemptAt: sc.nextAttemptAt,
  completedAt: sc.completedAt,
  possiblySent: sc.possiblySent,
  carrierRequestId: sc.carrierRequestId,
  httpStatus: sc.httpStatus,
  errorCode: sc.errorCode,
  errorMessage: sc.errorMessage,
  errorDetails: sc.errorDetails,
  shipmentStatus: col('shipment_status', SHIPMENT.columns.status.type),
  eventSequence: sc.eventSequence,
  lastFinalEventId: sc.lastFinalEventId,
});
const { id: _generated, ...attemptColumns } = CARRIER_ATTEMPT.columns;
const ATTEMPT = new Table<CarrierAttemptRow>('carrier_attempt', attemptColumns);
const EVENTS = { onlyFor: 'applied' };

// Where each part's parameters start.
const P_UPDATES = 1;
const P_NOW = P_UPDATES + UPDATE.keys.length;
const P_ATTEMPTS = P_NOW + 1;
const P_EVENTS = P_ATTEMPTS + ATTEMPT.keys.length;
const P_ORDERS = P_EVENTS + outboxParamCount(EVENTS);

/**
 * Takes the orders' locks for the rest of the transaction, then applies the updates whose claim still holds
 * (in flight, same attempt), records every attempt, moves the shipments and appends the applied updates'
 * events; returns the applied cancellations. The statement's snapshot predates the wait for the locks, which is
 * safe for what it writes: a row another transaction changed meanwhile is re-read under its row lock and updated
 * only if the claim still holds (READ COMMITTED re-checks the WHERE). It is not for what it would read (see
 * AppliedOutcome): what comes after (progress) runs in statements of its own.
 */
export const APPLY_OUTCOMES = `WITH locks AS (${lockOrdersSql(`unnest($${P_ORDERS}::text[]) AS t(o)`)}
 ), u AS (
   -- Joined with the locks, so no row is updated before every lock is held.
   SELECT u.* FROM ${UPDATE.unnest(UPDATE.keys, P_UPDATES, 'u')}, locks
 ), applied AS (
   UPDATE shipment_cancellation sc
      SET state = u.state, outcome = COALESCE(u.outcome, sc.outcome), failure_reason = u.failure_reason,
          requires_manual_action = u.requires_manual_action,
          refund_status = COALESCE(u.refund_status, sc.refund_status),
          next_attempt_at = u.next_attempt_at, completed_at = u.completed_at, possibly_sent = u.possibly_sent,
          operation = CASE WHEN u.state = 'refund_pending' THEN 'follow_up' ELSE sc.operation END,
          lease_until = NULL, carrier_request_id = COALESCE(u.carrier_request_id, sc.carrier_request_id),
          http_status = u.http_status, error_code = u.error_code, error_message = u.error_message,
          error_details = u.error_details, updated_at = $${P_NOW},
          -- The event written below carries this sequence and names the final event it supersedes.
          event_sequence = COALESCE(u.event_sequence, sc.event_sequence),
          last_final_event_id = CASE WHEN u.event_sequence IS NULL THEN sc.last_final_event_id
                                     ELSE u.last_final_event_id END
     FROM u
    WHERE sc.id = u.id AND ${STATE_WITHOUT_INDEX} = 'in_flight' AND sc.attempts = u.attempts
   RETURNING sc.id, sc.order_id, sc.shipment_id, sc.request_id, u.shipment_status
 ), shipments AS (
   UPDATE shipment s SET status = a.shipment_status, updated_at = $${P_NOW}
     FROM applied a WHERE s.id = a.shipment_id AND a.shipment_status IS NOT NULL
 ), attempts AS (
   INSERT INTO carrier_attempt (${ATTEMPT.names()})
   SELECT * FROM ${ATTEMPT.unnest(ATTEMPT.keys, P_ATTEMPTS)}
 ), events AS (
   ${insertOutboxRows(P_EVENTS, EVENTS)}
 )
 SELECT a.id, a.order_id AS "orderId" FROM applied a`;

/** The parameters of APPLY_OUTCOMES. */
export function applyOutcomesParams(batch: OutcomeBatch): unknown[] {
  return [
    ...UPDATE.arrays(batch.updates, UPDATE.keys),
    batch.now,
    ...ATTEMPT.arrays(batch.attempts, ATTEMPT.keys),
    ...outboxRowParams(batch.events, EVENTS),
    batch.orderIds,
  ];
}

/** Runs APPLY_OUTCOMES in the caller's transaction; the orders' locks stay held until it ends. */
export function applyOutcomes(manager: EntityManager, batch: OutcomeBatch): Promise<AppliedOutcome[]> {
  return preparedQuery(manager, APPLY_OUTCOMES, applyOutcomesParams(batch));
}
