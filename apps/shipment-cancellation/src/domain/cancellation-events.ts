// Builds the output events billing and refunds consume, from a cancellation and what the carrier said.
import {
  type CarrierExchange,
  type FailureReason,
  type ManualReshipRequired,
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

/** What both outcome events of a shipment say: the shipment, the carrier's answer and the label's refund. */
function shipmentOutcome(row: CancellationRow, answer: CarrierAnswer, refundStatus: RefundStatus) {
  return {
    ...base(row),
    shipmentId: row.shipmentId,
    carrier: exchange(row, answer),
    labelRefund: {
      amount: formatAmount(row.labelCostAmount),
      currency: row.labelCostCurrency,
      status: refundStatus,
    },
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

export function shipmentCancelled(
  row: CancellationRow,
  answer: CarrierAnswer,
  { outcome, final, refundStatus }: CancelledVerdict,
  at: Date,
): ShipmentCancelled {
  return {
    ...shipmentOutcome(row, answer, refundStatus),
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
    ...shipmentOutcome(row, answer, refundStatus),
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
    shipmentCount,
    shipments: shipments.map((s) => ({
      shipmentId: s.shipmentId,
      carrierShipmentId: s.carrierShipmentId,
      carrier: s.carrier,
      outcome: s.state === 'failed' ? 'failed' : (s.outcome ?? 'skipped_already_inactive'),
      ...(s.failureReason ? { failureReason: s.failureReason } : {}),
    })),
    message:
      `Order ${request.orderId} had ${shipmentCount} shipments: Merchant Fulfillment cannot create new ones ` +
      'after cancelling; reship through Seller Central or the carrier directly.',
    requiredAt: at.toISOString(),
  };
}
