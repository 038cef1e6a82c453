import type { CancelTrigger, CarrierApi } from '@oms/events';
import type { CancellationState } from './cancellation.entities';

/** A shipment cancellation joined with its shipment and request: all the worker and the events need. */
export interface CancellationRow {
  id: string;
  requestId: string;
  orderId: string;
  shipmentId: string;
  carrier: CarrierApi;
  carrierShipmentId: string;
  sellerAccount: string;
  state: CancellationState;
  operation: 'cancel' | 'follow_up';
  reshipEligible: boolean;
  possiblySent: boolean;
  attempts: number;
  /** Attempts made before an operator's last retry; the retry budget counts from there. */
  attemptsBeforeRetry: number;
  businessId: string | null;
  marketplaceId: string | null;
  trackingId: string | null;
  carrierId: string | null;
  labelCostAmount: string;
  labelCostCurrency: string;
  trigger: CancelTrigger;
  actor: string;
  causationId: string;
  correlationId: string;
  /** The request's W3C traceparent (from its input), or null. */
  traceParent: string | null;
  requestedAt: Date;
}

/** Selects a CancellationRow from `shipment_cancellation sc`, `shipment s` and `cancellation_request r`. */
export const CANCELLATION_ROW_COLUMNS = `
  sc.id, sc.request_id AS "requestId", sc.order_id AS "orderId", sc.shipment_id AS "shipmentId",
  sc.carrier, sc.carrier_shipment_id AS "carrierShipmentId", sc.seller_account AS "sellerAccount",
  sc.state, sc.operation, sc.reship_eligible AS "reshipEligible", sc.possibly_sent AS "possiblySent",
  sc.attempts, sc.attempts_before_retry AS "attemptsBeforeRetry", s.business_id AS "businessId", s.marketplace_id AS "marketplaceId",
  s.tracking_id AS "trackingId", s.carrier_id AS "carrierId",
  s.label_cost_amount AS "labelCostAmount", s.label_cost_currency AS "labelCostCurrency",
  r.trigger, r.actor, r.causation_id AS "causationId", r.correlation_id AS "correlationId",
  r.trace_parent AS "traceParent", r.created_at AS "requestedAt"`;

/**
 * `sc.state` in a form no index can answer, for statements that find their rows by id or by order and then
 * test the state. Statistics of a queue table mislead the planner: ANALYZE saw few rows in a passing state
 * (pending, in flight), so it reads those rows through an index on the state, or one whose predicate names
 * it, instead of looking the ids up. Such an index still holds an entry for every row that passed through
 * the state since the last vacuum, and a bitmap scan never marks them dead: during a backlog each call read
 * thousands of entries to find a handful of rows. Tested this way, the state only filters the rows the ids
 * found, whatever the statistics say.
 */
export const SC_STATE = "(sc.state || '')";

/** numeric(14,4) comes back as "12.3400"; money in events keeps at least two decimals. */
export function formatAmount(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${whole}.${trimmed.padEnd(2, '0')}`;
}
