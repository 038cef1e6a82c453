// The JSON the admin API answers with, read straight from the tables. Times are ISO 8601 UTC, money is
// decimal strings, and every text is returned exactly as stored.
import type { EntityManager } from 'typeorm';
import { formatAmount } from '../domain/cancellation';

export interface ShipmentView {
  shipmentId: string;
  orderId: string;
  carrier: string;
  carrierShipmentId: string;
  sellerAccount: string;
  businessId: string | null;
  marketplaceId: string | null;
  trackingId: string | null;
  labelCost: { amount: string; currency: string };
  purchasedAt: string;
  cancelWindowEndsAt: string | null;
  status: string;
}

export interface AttemptView {
  attempt: number;
  operation: string;
  outcome: string;
  httpStatus: number | null;
  carrierRequestId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  tries: number;
  elapsedMs: number;
  finishedAt: string;
}

export interface CancellationView {
  id: string;
  cancellationRequestId: string;
  orderId: string;
  shipmentId: string;
  carrier: string;
  carrierShipmentId: string;
  sellerAccount: string;
  state: string;
  outcome: string | null;
  failureReason: string | null;
  requiresManualAction: boolean;
  refundStatus: string;
  reshipEligible: boolean;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastCarrierAnswer: {
    carrierRequestId: string | null;
    httpStatus: number | null;
    errorCode: string | null;
    errorMessage: string | null;
    errorDetails: string | null;
  };
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  request: { trigger: string; actor: string; reason: string | null };
  attempts?: AttemptView[];
}

export interface RequestView {
  id: string;
  orderId: string;
  scope: string;
  trigger: string;
  actor: string;
  reason: string | null;
  rule: string;
  shipmentCount: number;
  status: string;
  manualReshipEventId: string | null;
  causationId: string;
  correlationId: string;
  createdAt: string;
  completedAt: string | null;
  cancellations: CancellationView[];
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();
const isoNow = (value: Date | string): string => new Date(value).toISOString();

type Row = Record<string, unknown>;
const text = (row: Row, key: string): string => row[key] as string;
const maybe = (row: Row, key: string): string | null => (row[key] as string | null) ?? null;

export async function loadShipments(
  manager: EntityManager,
  orderId: string,
  shipmentId?: string,
): Promise<ShipmentView[]> {
  const rows: Row[] = await manager.query(
    `SELECT id, order_id, carrier, carrier_shipment_id, seller_account, business_id, marketplace_id, tracking_id,
            label_cost_amount::text AS label_cost_amount, label_cost_currency, purchased_at, cancel_window_ends_at, status
       FROM shipment WHERE order_id = $1 AND ($2::text IS NULL OR id = $2)
      ORDER BY purchased_at, id`,
    [orderId, shipmentId ?? null],
  );
  return rows.map((r) => ({
    shipmentId: text(r, 'id'),
    orderId: text(r, 'order_id'),
    carrier: text(r, 'carrier'),
    carrierShipmentId: text(r, 'carrier_shipment_id'),
    sellerAccount: text(r, 'seller_account'),
    businessId: maybe(r, 'business_id'),
    marketplaceId: maybe(r, 'marketplace_id'),
    trackingId: maybe(r, 'tracking_id'),
    labelCost: {
      amount: formatAmount(text(r, 'label_cost_amount')),
      currency: text(r, 'label_cost_currency'),
    },
    purchasedAt: isoNow(r['purchased_at'] as Date),
    cancelWindowEndsAt: iso(r['cancel_window_ends_at'] as Date | null),
    status: text(r, 'status'),
  }));
}

const CANCELLATION_COLUMNS = `
  sc.id, sc.request_id, sc.order_id, sc.shipment_id, sc.carrier, sc.carrier_shipment_id, sc.seller_account, sc.state,
  sc.outcome, sc.failure_reason, sc.requires_manual_action, sc.refund_status, sc.reship_eligible, sc.attempts,
  sc.next_attempt_at, sc.carrier_request_id, sc.http_status, sc.error_code, sc.error_message, sc.error_details,
  sc.created_at, sc.updated_at, sc.completed_at, r.trigger, r.actor, r.reason`;

/**
 * Cancellations matching a condition on `sc` (shipment_cancellation) and `r` (its request), with every
 * carrier attempt when `withAttempts`. `where` is SQL written in this folder, never built from input.
 */
export async function loadCancellations(
  manager: EntityManager,
  where: string,
  params: unknown[],
  options: { withAttempts: boolean; orderAndLimit?: string } = { withAttempts: true },
): Promise<CancellationView[]> {
  const rows: Row[] = await manager.query(
    `SELECT ${CANCELLATION_COLUMNS}
       FROM shipment_cancellation sc JOIN cancellation_request r ON r.id = sc.request_id
      WHERE ${where}
      ${options.orderAndLimit ?? 'ORDER BY sc.created_at, sc.id'}`,
    params,
  );
  const views = rows.map(cancellationView);
  if (!options.withAttempts || views.length === 0) return views;
  const attempts: Row[] = await manager.query(
    `SELECT shipment_cancellation_id, attempt, operation, outcome, http_status, carrier_request_id, error_code,
            error_message, tries, elapsed_ms, finished_at
       FROM carrier_attempt WHERE shipment_cancellation_id = ANY($1::uuid[]) ORDER BY id`,
    [views.map((v) => v.id)],
  );
  const byId = new Map(views.map((v) => [v.id, v]));
  for (const view of views) view.attempts = [];
  for (const a of attempts) {
    byId.get(text(a, 'shipment_cancellation_id'))?.attempts?.push({
      attempt: a['attempt'] as number,
      operation: text(a, 'operation'),
      outcome: text(a, 'outcome'),
      httpStatus: (a['http_status'] as number | null) ?? null,
      carrierRequestId: maybe(a, 'carrier_request_id'),
      errorCode: maybe(a, 'error_code'),
      errorMessage: maybe(a, 'error_message'),
      tries: a['tries'] as number,
      elapsedMs: a['elapsed_ms'] as number,
      finishedAt: isoNow(a['finished_at'] as Date),
    });
  }
  return views;
}

function cancellationView(r: Row): CancellationView {
  return {
    id: text(r, 'id'),
    cancellationRequestId: text(r, 'request_id'),
    orderId: text(r, 'order_id'),
    shipmentId: text(r, 'shipment_id'),
    carrier: text(r, 'carrier'),
    carrierShipmentId: text(r, 'carrier_shipment_id'),
    sellerAccount: text(r, 'seller_account'),
    state: text(r, 'state'),
    outcome: maybe(r, 'outcome'),
    failureReason: maybe(r, 'failure_reason'),
    requiresManualAction: r['requires_manual_action'] as boolean,
    refundStatus: text(r, 'refund_status'),
    reshipEligible: r['reship_eligible'] as boolean,
    attemptCount: r['attempts'] as number,
    nextAttemptAt: iso(r['next_attempt_at'] as Date | null),
    lastCarrierAnswer: {
      carrierRequestId: maybe(r, 'carrier_request_id'),
      httpStatus: (r['http_status'] as number | null) ?? null,
      errorCode: maybe(r, 'error_code'),
      errorMessage: maybe(r, 'error_message'),
      errorDetails: maybe(r, 'error_details'),
    },
    createdAt: isoNow(r['created_at'] as Date),
    updatedAt: isoNow(r['updated_at'] as Date),
    completedAt: iso(r['completed_at'] as Date | null),
    request: { trigger: text(r, 'trigger'), actor: text(r, 'actor'), reason: maybe(r, 'reason') },
  };
}

export async function loadRequests(manager: EntityManager, orderId: string): Promise<RequestView[]> {
  const rows: Row[] = await manager.query(
    `SELECT id, order_id, scope, trigger, actor, reason, rule, shipment_count, status, manual_reship_event_id,
            causation_id, correlation_id, created_at, completed_at
       FROM cancellation_request WHERE order_id = $1 ORDER BY created_at, id`,
    [orderId],
  );
  const cancellations = await loadCancellations(manager, 'sc.order_id = $1', [orderId]);
  return rows.map((r) => ({
    id: text(r, 'id'),
    orderId: text(r, 'order_id'),
    scope: text(r, 'scope'),
    trigger: text(r, 'trigger'),
    actor: text(r, 'actor'),
    reason: maybe(r, 'reason'),
    rule: text(r, 'rule'),
    shipmentCount: r['shipment_count'] as number,
    status: text(r, 'status'),
    manualReshipEventId: maybe(r, 'manual_reship_event_id'),
    causationId: text(r, 'causation_id'),
    correlationId: text(r, 'correlation_id'),
    createdAt: isoNow(r['created_at'] as Date),
    completedAt: iso(r['completed_at'] as Date | null),
    cancellations: cancellations.filter((c) => c.cancellationRequestId === r['id']),
  }));
}
