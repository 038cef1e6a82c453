// One carrier result translated for the store: the domain's outcome policy picks the transition, and this
// turns it into the cancellation's update, the attempt's record and the event the transition earns.
import { randomUUID } from 'node:crypto';
import { EventTypes } from '@oms/events';
import {
  type CarrierAnswer,
  shipmentCancellationFailed,
  shipmentCancelled,
} from '../../domain/cancellation-events';
import type { CarrierResult } from '../../domain/carrier-result';
import { type RetryPolicy, type Transition, afterCancel, afterFollowUp } from '../../domain/outcome-policy';
import type { CarrierAttemptRow, OutcomeUpdate } from '../../store/outcomes.store';
import type { PendingEvent } from '../../store/outbox.writer';

export interface PlannedOutcome {
  result: CarrierResult;
  transition: Transition;
  answer: CarrierAnswer;
  update: OutcomeUpdate;
  attempt: CarrierAttemptRow;
  /** Null for a retry, which earns no event. */
  event: PendingEvent | null;
}

/** What the store writes for one result; `traceParent` is the one its event carries. */
export function planOutcome(
  result: CarrierResult,
  policy: RetryPolicy,
  now: Date,
  traceParent: string | null,
): PlannedOutcome {
  const transition = transitionFor(result, policy);
  const answer = answerOf(result);
  const event = eventFor(result, transition, answer, now, traceParent);
  return {
    result,
    transition,
    answer,
    update: { ...updateFor(result, transition, answer, now), ...eventBookkeeping(event) },
    attempt: attemptOf(result, answer),
    event,
  };
}

/** What the cancellation records of the event it earns: its sequence, and its id if it is final. */
function eventBookkeeping(
  event: PendingEvent | null,
): Pick<OutcomeUpdate, 'eventSequence' | 'lastFinalEventId'> {
  if (!event) return { eventSequence: null, lastFinalEventId: null };
  const data = event.data as { sequence: number; final?: boolean };
  const final = event.type === EventTypes.shipmentCancellationFailed || data.final === true;
  return { eventSequence: data.sequence, lastFinalEventId: final ? (event.id ?? null) : null };
}

/** What the carrier said, as the cancellation records it and the events report it. */
export function answerOf(result: CarrierResult): CarrierAnswer {
  if (result.operation === 'cancel') {
    const o = result.outcome;
    return {
      requestId: o.requestId ?? null,
      httpStatus: o.httpStatus ?? null,
      errorCode: o.errorCode ?? null,
      errorMessage: o.errorMessage ?? null,
      errorDetails: o.errorDetails ?? null,
    };
  }
  const s = result.status;
  return {
    requestId: 'requestId' in s ? (s.requestId ?? null) : null,
    httpStatus: s.kind === 'error' ? (s.httpStatus ?? null) : null,
    errorCode: null,
    errorMessage: s.kind === 'error' ? s.message : null,
    errorDetails: null,
  };
}

function transitionFor(result: CarrierResult, policy: RetryPolicy): Transition {
  if (result.operation === 'status') return afterFollowUp(result.status, policy);
  const { row } = result;
  // The retry budget counts from an operator's last retry.
  const attempts = row.attempts - row.attemptsBeforeRetry;
  return afterCancel(
    result.outcome,
    { carrier: row.carrier, attempts, possiblySent: row.possiblySent },
    policy,
  );
}

function updateFor(
  result: CarrierResult,
  t: Transition,
  answer: CarrierAnswer,
  now: Date,
): Omit<OutcomeUpdate, 'eventSequence' | 'lastFinalEventId'> {
  const landedMaybe = result.operation === 'cancel' && result.outcome.kind === 'unknown';
  const base = {
    id: result.row.id,
    attempts: result.row.attempts,
    possiblySent: result.row.possiblySent || landedMaybe,
    carrierRequestId: answer.requestId,
    httpStatus: answer.httpStatus,
    errorCode: answer.errorCode,
    errorMessage: answer.errorMessage,
    errorDetails: answer.errorDetails,
  };
  switch (t.kind) {
    case 'cancelled':
      return {
        ...base,
        state: t.state,
        outcome: t.outcome,
        failureReason: null,
        requiresManualAction: false,
        refundStatus: t.refundStatus,
        nextAttemptAt: t.followUpInMs === undefined ? null : new Date(now.getTime() + t.followUpInMs),
        completedAt: t.final ? now : null,
        shipmentStatus: 'cancelled',
      };
    case 'failed':
      return {
        ...base,
        state: 'failed',
        outcome: null,
        failureReason: t.reason,
        requiresManualAction: t.requiresManualAction,
        refundStatus: t.refundStatus,
        nextAttemptAt: null,
        completedAt: now,
        shipmentStatus: 'cancel_failed',
      };
    case 'retry':
      return {
        ...base,
        state: t.state,
        outcome: t.state === 'refund_pending' ? 'refund_pending' : null,
        failureReason: null,
        requiresManualAction: false,
        refundStatus: null,
        nextAttemptAt: new Date(now.getTime() + t.delayMs),
        completedAt: null,
        shipmentStatus: null,
      };
  }
}

function attemptOf(result: CarrierResult, answer: CarrierAnswer): CarrierAttemptRow {
  return {
    shipmentCancellationId: result.row.id,
    attempt: result.row.attempts,
    operation: result.operation,
    outcome: result.operation === 'cancel' ? result.outcome.kind : `status:${result.status.kind}`,
    httpStatus: answer.httpStatus,
    carrierRequestId: answer.requestId,
    errorCode: answer.errorCode,
    errorMessage: answer.errorMessage,
    tries: result.operation === 'cancel' ? result.outcome.attempts : 1,
    elapsedMs: Math.round(result.elapsedMs),
    finishedAt: result.finishedAt,
  };
}

function eventFor(
  result: CarrierResult,
  t: Transition,
  answer: CarrierAnswer,
  now: Date,
  traceParent: string | null,
): PendingEvent | null {
  // Its id is chosen here: a final event's id is recorded on the cancellation, for a later one to supersede.
  const key = result.row.orderId;
  const id = randomUUID();
  if (t.kind === 'cancelled') {
    const data = shipmentCancelled(result.row, answer, t, now);
    return { type: EventTypes.shipmentCancelled, data, key, id, traceParent };
  }
  if (t.kind === 'failed') {
    const data = shipmentCancellationFailed(result.row, answer, t, now);
    return { type: EventTypes.shipmentCancellationFailed, data, key, id, traceParent };
  }
  return null;
}
