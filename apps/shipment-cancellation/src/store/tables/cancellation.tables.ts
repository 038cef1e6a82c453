// The columns of the cancellation tables (see ../table.ts), as the migrations create them.
import { Table, col } from '../table';

export interface ShipmentColumns {
  id: string;
  orderId: string;
  carrier: string;
  carrierShipmentId: string;
  businessId: string | null;
  marketplaceId: string | null;
  sellerAccount: string;
  trackingId: string | null;
  carrierId: string | null;
  labelCostAmount: string;
  labelCostCurrency: string;
  purchasedAt: Date;
  cancelWindowEndsAt: Date | null;
  status: string;
  sourceEventId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const SHIPMENT = new Table<ShipmentColumns>('shipment', {
  id: col('id', 'text'),
  orderId: col('order_id', 'text'),
  carrier: col('carrier', 'text'),
  carrierShipmentId: col('carrier_shipment_id', 'text'),
  businessId: col('business_id', 'text'),
  marketplaceId: col('marketplace_id', 'text'),
  sellerAccount: col('seller_account', 'text'),
  trackingId: col('tracking_id', 'text'),
  carrierId: col('carrier_id', 'text'),
  labelCostAmount: col('label_cost_amount', 'numeric'),
  labelCostCurrency: col('label_cost_currency', 'text'),
  purchasedAt: col('purchased_at', 'timestamptz'),
  cancelWindowEndsAt: col('cancel_window_ends_at', 'timestamptz'),
  status: col('status', 'text'),
  sourceEventId: col('source_event_id', 'text'),
  createdAt: col('created_at', 'timestamptz'),
  updatedAt: col('updated_at', 'timestamptz'),
});

export interface CancellationRequestColumns {
  id: string;
  orderId: string;
  scope: string;
  trigger: string;
  actor: string;
  reason: string | null;
  causationId: string;
  correlationId: string;
  rule: string;
  shipmentCount: number;
  manualReshipEventId: string | null;
  status: string;
  createdAt: Date;
  completedAt: Date | null;
  traceParent: string | null;
}

export const CANCELLATION_REQUEST = new Table<CancellationRequestColumns>('cancellation_request', {
  id: col('id', 'uuid'),
  orderId: col('order_id', 'text'),
  scope: col('scope', 'text'),
  trigger: col('trigger', 'text'),
  actor: col('actor', 'text'),
  reason: col('reason', 'text'),
  causationId: col('causation_id', 'text'),
  correlationId: col('correlation_id', 'text'),
  rule: col('rule', 'text'),
  shipmentCount: col('shipment_count', 'int'),
  manualReshipEventId: col('manual_reship_event_id', 'uuid'),
  status: col('status', 'text'),
  createdAt: col('created_at', 'timestamptz'),
  completedAt: col('completed_at', 'timestamptz'),
  traceParent: col('trace_parent', 'text'),
});

export interface ShipmentCancellationColumns {
  id: string;
  requestId: string;
  orderId: string;
  shipmentId: string;
  carrier: string;
  carrierShipmentId: string;
  sellerAccount: string;
  state: string;
  operation: string;
  reshipEligible: boolean;
  possiblySent: boolean;
  attempts: number;
  attemptsBeforeRetry: number;
  eventSequence: number;
  lastFinalEventId: string | null;
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  outcome: string | null;
  failureReason: string | null;
  requiresManualAction: boolean;
  refundStatus: string;
  carrierRequestId: string | null;
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorDetails: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export const SHIPMENT_CANCELLATION = new Table<ShipmentCancellationColumns>('shipment_cancellation', {
  id: col('id', 'uuid'),
  requestId: col('request_id', 'uuid'),
  orderId: col('order_id', 'text'),
  shipmentId: col('shipment_id', 'text'),
  carrier: col('carrier', 'text'),
  carrierShipmentId: col('carrier_shipment_id', 'text'),
  sellerAccount: col('seller_account', 'text'),
  state: col('state', 'text'),
  operation: col('operation', 'text'),
  reshipEligible: col('reship_eligible', 'boolean'),
  possiblySent: col('possibly_sent', 'boolean'),
  attempts: col('attempts', 'int'),
  attemptsBeforeRetry: col('attempts_before_retry', 'int'),
  eventSequence: col('event_sequence', 'int'),
  lastFinalEventId: col('last_final_event_id', 'uuid'),
  nextAttemptAt: col('next_attempt_at', 'timestamptz'),
  leaseUntil: col('lease_until', 'timestamptz'),
  outcome: col('outcome', 'text'),
  failureReason: col('failure_reason', 'text'),
  requiresManualAction: col('requires_manual_action', 'boolean'),
  refundStatus: col('refund_status', 'text'),
  carrierRequestId: col('carrier_request_id', 'text'),
  httpStatus: col('http_status', 'int'),
  errorCode: col('error_code', 'text'),
  errorMessage: col('error_message', 'text'),
  errorDetails: col('error_details', 'text'),
  createdAt: col('created_at', 'timestamptz'),
  updatedAt: col('updated_at', 'timestamptz'),
  completedAt: col('completed_at', 'timestamptz'),
});
