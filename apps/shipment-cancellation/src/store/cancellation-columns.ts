import type { CancellationRow } from '../domain/cancellation';

export type { CancellationRow };

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
 * `sc.state` hidden from the planner, for statements that find rows by id or order and then test the state:
 * no index on the state is used (docs/performance.md#planner-notes says why).
 */
export const SC_STATE = "(sc.state || '')";
