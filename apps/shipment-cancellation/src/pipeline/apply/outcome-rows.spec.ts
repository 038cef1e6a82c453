import type { CancelOutcome } from '@oms/carrier-cancel';
import { EventTypes } from '@oms/events';
import type { CancellationRow } from '../../domain/cancellation';
import type { CarrierResult } from '../../domain/carrier-result';
import type { RetryPolicy } from '../../domain/outcome-policy';
import { cancellationRow } from '../../domain/testing';
import { planOutcome } from './outcome-rows';

const policy: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  refundFollowUpMs: 3_600_000,
  random: () => 0,
};
const now = new Date('2026-01-01T00:00:00Z');
const finishedAt = new Date('2025-12-31T23:59:59Z');

const row: CancellationRow = cancellationRow({
  id: 'c1',
  requestId: 'r1',
  orderId: 'o1',
  shipmentId: 's1',
  carrierShipmentId: 'cs1',
  attempts: 2,
  labelCostAmount: '4.5000',
  actor: 'oms',
  causationId: 'cause',
  correlationId: 'corr',
  cancelReason: 'customer_request',
  requestedAt: now,
});

function cancel(
  outcome: Partial<CancelOutcome> & Pick<CancelOutcome, 'kind'>,
  over: Partial<CancellationRow> = {},
) {
  const full = { api: row.carrier, carrierShipmentId: 'cs1', attempts: 1, elapsedMs: 12, ...outcome };
  return {
    row: { ...row, ...over },
    operation: 'cancel',
    outcome: full,
    elapsedMs: 12.4,
    finishedAt,
  } as CarrierResult;
}

describe('a carrier result as the rows the store writes', () => {
  it('voided: the cancellation settles, the shipment is cancelled, and ShipmentCancelled is earned', () => {
    const planned = planOutcome(
      cancel({ kind: 'voided', requestId: 'amzn-1', httpStatus: 200 }),
      policy,
      now,
      'tp',
    );
    expect(planned.update).toEqual({
      id: 'c1',
      attempts: 2,
      state: 'voided',
      outcome: 'voided',
      failureReason: null,
      requiresManualAction: false,
      refundStatus: 'applied',
      nextAttemptAt: null,
      completedAt: now,
      possiblySent: false,
      carrierRequestId: 'amzn-1',
      httpStatus: 200,
      errorCode: null,
      errorMessage: null,
      errorDetails: null,
      shipmentStatus: 'cancelled',
      eventSequence: 1,
      lastFinalEventId: planned.event?.id,
    });
    expect(planned.event?.id).toEqual(expect.any(String));
    expect(planned.attempt).toEqual({
      shipmentCancellationId: 'c1',
      attempt: 2,
      operation: 'cancel',
      outcome: 'voided',
      httpStatus: 200,
      carrierRequestId: 'amzn-1',
      errorCode: null,
      errorMessage: null,
      tries: 1,
      elapsedMs: 12,
      finishedAt,
    });
    expect(planned.event).toMatchObject({ type: EventTypes.shipmentCancelled, key: 'o1', traceParent: 'tp' });
    expect(planned.event?.data).toMatchObject({
      sellerAccount: 'seller',
      marketplaceId: null,
      businessId: null,
      cancelReason: 'customer_request',
      labelCost: { amount: '4.50', currency: 'USD' },
      refund: { status: 'applied', amount: '4.50', currency: 'USD', source: 'label_cost' },
      sequence: 1,
    });
    expect(planned.event?.data).not.toHaveProperty('supersedes');
  });

  it("after an operator's retry of a failed one, the event supersedes the failure and counts on", () => {
    const retried = cancel({ kind: 'voided' }, { eventSequence: 1, lastFinalEventId: 'failed-event' });
    const planned = planOutcome(retried, policy, now, null);
    expect(planned.event?.data).toMatchObject({ sequence: 2, supersedes: 'failed-event' });
    expect(planned.update).toMatchObject({ eventSequence: 2, lastFinalEventId: planned.event?.id });
  });

  it('a non-final event counts on and clears the last final event; a retry earns no event and keeps both', () => {
    const mfn = cancel({ kind: 'refund_pending' }, { carrier: 'amazon-mfn-v0', eventSequence: 1 });
    const pending = planOutcome(mfn, policy, now, null);
    expect(pending.event?.data).toMatchObject({
      final: false,
      refund: { status: 'pending', source: 'none' },
    });
    expect(pending.update).toMatchObject({ eventSequence: 2, lastFinalEventId: null });
    const unknown = planOutcome(
      cancel({ kind: 'unknown', cause: 'timeout' } as CancelOutcome),
      policy,
      now,
      null,
    );
    expect(unknown.update).toMatchObject({ eventSequence: null, lastFinalEventId: null });
  });

  it('the MWS bridge: a final refund_pending whose refund is unconfirmed, in JPY without decimals', () => {
    const mws = cancel(
      { kind: 'refund_pending' },
      { carrier: 'amazon-mfn-mws', labelCostAmount: '500.0000', labelCostCurrency: 'JPY' },
    );
    const planned = planOutcome(mws, policy, now, null);
    expect(planned.event?.data).toMatchObject({
      outcome: 'refund_pending',
      final: true,
      labelCost: { amount: '500', currency: 'JPY' },
      refund: { status: 'unconfirmed', source: 'none' },
    });
    expect(planned.event?.data).not.toHaveProperty('refund.amount');
  });

  it('an unknown answer: retried later, marked possibly sent, no event and no shipment change', () => {
    const planned = planOutcome(
      cancel({ kind: 'unknown', cause: 'timeout' } as CancelOutcome),
      policy,
      now,
      null,
    );
    expect(planned.transition.kind).toBe('retry');
    expect(planned.update).toMatchObject({
      state: 'unknown',
      outcome: null,
      refundStatus: null,
      possiblySent: true,
      completedAt: null,
      shipmentStatus: null,
    });
    expect(planned.update.nextAttemptAt?.getTime()).toBeGreaterThan(now.getTime());
    expect(planned.event).toBeNull();
  });

  it('rejected: failed for good, the shipment marked cancel_failed, ShipmentCancellationFailed earned', () => {
    const result = cancel({
      kind: 'rejected',
      reason: 'window_expired',
      errorCode: 'E',
      errorMessage: 'late',
    } as CancelOutcome);
    const planned = planOutcome(result, policy, now, null);
    expect(planned.update).toMatchObject({
      state: 'failed',
      failureReason: 'window_expired',
      requiresManualAction: true,
      completedAt: now,
      shipmentStatus: 'cancel_failed',
      errorCode: 'E',
      errorMessage: 'late',
    });
    expect(planned.event?.type).toBe(EventTypes.shipmentCancellationFailed);
  });

  it("the retry budget counts from an operator's last retry", () => {
    const busy = cancel({ kind: 'unknown', cause: 'timeout' } as CancelOutcome, {
      attempts: 5,
      attemptsBeforeRetry: 0,
    });
    expect(planOutcome(busy, policy, now, null).transition).toMatchObject({
      kind: 'failed',
      reason: 'retries_exhausted',
    });
    const retried = cancel({ kind: 'unknown', cause: 'timeout' } as CancelOutcome, {
      attempts: 5,
      attemptsBeforeRetry: 4,
    });
    expect(planOutcome(retried, policy, now, null).transition.kind).toBe('retry');
  });

  it('a follow-up read records its status as the attempt and keeps the refund pending', () => {
    const result: CarrierResult = {
      row: { ...row, carrier: 'amazon-mfn-v0', state: 'in_flight', operation: 'follow_up' },
      operation: 'status',
      status: { kind: 'error', message: 'boom', httpStatus: 503, requestId: 'amzn-2' },
      elapsedMs: 3,
      finishedAt,
    };
    const planned = planOutcome(result, policy, now, null);
    expect(planned.attempt).toMatchObject({
      operation: 'status',
      outcome: 'status:error',
      tries: 1,
      httpStatus: 503,
    });
    expect(planned.update).toMatchObject({
      state: 'refund_pending',
      outcome: 'refund_pending',
      carrierRequestId: 'amzn-2',
      errorMessage: 'boom',
      nextAttemptAt: new Date(now.getTime() + policy.refundFollowUpMs),
    });
    expect(planned.event).toBeNull();
  });
});
