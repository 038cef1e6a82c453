// Builds the output events billing and refunds consume, from a cancellation and what the carrier said.
import {
  amountInCurrency,
  type CarrierExchange,
  type FailureReason,
  type ManualReshipRequired,
  type Refund,
  type ShipmentCancellationFailed,
  type ShipmentCancelled,
  type CancelledOutcome,
} from '@oms/events';
import type { RefundStatus } from './cancellation';
import { type CancellationRow, formatAmount } from './cancellation';

export interface CarrierAnswer {
  requestId: string | null;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorDetails: string | null;
}

function exchange(row: CancellationRow, answer: CarrierAnswer): CarrierExchange {
  return {
    api: row.carrier,
    carrierShipmentId: row.carrierShipmentId,
    requestId: answer.requestId,
    httpStatus: answer.httpStatus,
    errorCode: answer.errorCode,
    errorMessage: answer.errorMessage,
  };
}

function base(row: CancellationRow) {
  return {
    schemaVersion: 1 as const,
    orderId: row.orderId,
    cancellationId: row.id,
    trigger: row.trigger,
    actor: row.actor,
    causationId: row.causationId,
    correlationId: row.correlationId,
  };
}

/**
 * The refund as billing books it. The amount is the label's cost once the refund is applied (no carrier answer
 * of ours states an amount, so `source: "carrier"` is never sent today); a refund_pending that nothing follows
 * up (the MWS bridge cannot read a shipment back) is unconfirmed.
 */
function refundOf(row: CancellationRow, status: RefundStatus, final: boolean): Refund {
  if (status === 'applied') {
    const amount = amountInCurrency(row.labelCostAmount, row.labelCostCurrency);
    return { status, amount, currency: row.labelCostCurrency, source: 'label_cost' };
  }
  return { status: status === 'pending' && final ? 'unconfirmed' : status, source: 'none' };
}

/** The verdict's fields that the outcome events share (the policy's Transition carries more: never spread it). */
interface SharedVerdict {
  refundStatus: RefundStatus;
  final: boolean;
}

/** What both outcome events of a shipment say: the shipment, the carrier's answer, the money and the order. */
function shipmentOutcome(row: CancellationRow, answer: CarrierAnswer, verdict: SharedVerdict) {
  return {
    ...base(row),
    shipmentId: row.shipmentId,
    carrier: exchange(row, answer),
    labelRefund: {
      amount: formatAmount(row.labelCostAmount),
      currency: row.labelCostCurrency,
      status: verdict.refundStatus,
    },
    sellerAccount: row.sellerAccount,
    marketplaceId: row.marketplaceId,
    businessId: row.businessId,
    cancelReason: row.cancelReason ?? null,
    labelCost: {
      amount: amountInCurrency(row.labelCostAmount, row.labelCostCurrency),
      currency: row.labelCostCurrency,
    },
    refund: refundOf(row, verdict.refundStatus, verdict.final),
    sequence: (row.eventSequence ?? 0) + 1,
    ...(row.lastFinalEventId ? { supersedes: row.lastFinalEventId } : {}),
    requestedAt: row.requestedAt.toISOString(),
  };
}

/** What a shipment's cancellation ended in, as the outcome policy decided it. */
export interface CancelledVerdict {
  outcome: CancelledOutcome;
  final: boolean;
  refundStatus: RefundStatus;
}

export interface FailedVerdict {
  reason: FailureReason;
  requiresManualAction: boolean;
  refundStatus: RefundStatus;
}

/**
 * The event's `sequence` is the row's event count plus one and `supersedes` its last final event: the apply
 * statement writes both back with the event (see store/outcomes.store.ts).
 */
export function shipmentCancelled(
  row: CancellationRow,
  answer: CarrierAnswer,
  { outcome, final, refundStatus }: CancelledVerdict,
  at: Date,
): ShipmentCancelled {
  return {
    ...shipmentOutcome(row, answer, { refundStatus, final }),
    outcome,
    final,
    reshipEligible: row.reshipEligible,
    cancelledAt: at.toISOString(),
  };
}

export function shipmentCancellationFailed(
  row: CancellationRow,
  answer: CarrierAnswer,
  { reason, requiresManualAction, refundStatus }: FailedVerdict,
  at: Date,
): ShipmentCancellationFailed {
  return {
    ...shipmentOutcome(row, answer, { refundStatus, final: true }),
    reason,
    requiresManualAction,
    errorDetails: answer.errorDetails,
    reshipEligible: false,
    failedAt: at.toISOString(),
  };
}

export interface ShipmentSummary {
  shipmentId: string;
  carrierShipmentId: string;
  carrier: CancellationRow['carrier'];
  state: string;
  outcome: CancelledOutcome | null;
  failureReason: FailureReason | null;
}

export function manualReshipRequired(
  request: {
    id: string;
    orderId: string;
    trigger: CancellationRow['trigger'];
    actor: string;
    causationId: string;
    correlationId: string;
    /** The request's reason (absent: none known). */
    reason?: string | null;
  },
  shipments: ShipmentSummary[],
  shipmentCount: number,
  at: Date,
): ManualReshipRequired {
  return {
    schemaVersion: 1,
    orderId: request.orderId,
    cancellationId: request.id,
    trigger: request.trigger,
    actor: request.actor,
    causationId: request.causationId,
    correlationId: request.correlationId,
    reason: 'multiple_shipments',
    cancelReason: request.reason ?? null,
    // A request owes one ManualReshipRequired, its only event.
    sequence: 1,
    shipmentCount,
    shipments: shipments.map((s) => ({
      shipmentId: s.shipmentId,
      carrierShipmentId: s.carrierShipmentId,
      carrier: s.carrier,
      outcome: s.state === 'failed' ? 'failed' : (s.outcome ?? 'skipped_already_inactive'),
      ...(s.failureReason ? { failureReason: s.failureReason } : {}),
    })),
    message: `Order ${request.orderId} had ${shipmentCount} shipments; a person must arrange the new shipment.`,
    requiredAt: at.toISOString(),
  };
}
