// The statements that create cancellations: the batch read of what each order already has, and the one
// statement inserting requests, shipment cancellations (pending, or leased in flight) and the shipments' status.
import type { EntityManager } from 'typeorm';
import type { CancellationRow } from '../domain/cancellation';
import { preparedQuery } from './query-rows';
import {
  CANCELLATION_REQUEST,
  type CancellationRequestColumns,
  SHIPMENT,
  SHIPMENT_CANCELLATION,
  type ShipmentCancellationColumns,
} from './tables/cancellation.tables';
import { type LeaseGrant, NO_LEASE } from './unit-of-work';

const REQUEST_KEYS = [
  'id',
  'orderId',
  'scope',
  'trigger',
  'actor',
  'reason',
  'causationId',
  'correlationId',
  'rule',
  'shipmentCount',
  'status',
  'traceParent',
] as const satisfies readonly (keyof CancellationRequestColumns)[];

const CANCELLATION_KEYS = [
  'id',
  'requestId',
  'orderId',
  'shipmentId',
  'carrier',
  'carrierShipmentId',
  'sellerAccount',
  'reshipEligible',
] as const satisfies readonly (keyof ShipmentCancellationColumns)[];

/** A cancellation request as created: `completed` when it had nothing to wait for, else `in_progress`. */
export type NewCancellationRequest = Pick<CancellationRequestColumns, (typeof REQUEST_KEYS)[number]>;

/** One shipment's cancellation as created (pending, or in flight when leased). */
export type NewShipmentCancellation = Pick<ShipmentCancellationColumns, (typeof CANCELLATION_KEYS)[number]>;

/** A shipment of an order being cancelled, with what it needs to be cancelled and its current request. */
export interface CancellableShipment extends Pick<
  CancellationRow,
  | 'businessId'
  | 'marketplaceId'
  | 'trackingId'
  | 'carrierId'
  | 'labelCostAmount'
  | 'labelCostCurrency'
  | 'carrier'
  | 'carrierShipmentId'
  | 'sellerAccount'
> {
  id: string;
  orderId: string;
  status: string;
  /** The request that already cancels this shipment, if any. */
  cancellationRequestId: string | null;
}

/** What the orders being cancelled already have: each one's order-level request, and its shipments. */
export interface OrdersToCancel {
  orderRequests: Map<string, string>;
  /** Each order's shipments, in purchase order. */
  shipments: Map<string, CancellableShipment[]>;
}

/** One read for a batch of orders: their order-level requests (if any) and their shipments, in purchase order. */
export async function findOrdersToCancel(
  manager: EntityManager,
  orderIds: string[],
): Promise<OrdersToCancel> {
  const found = await preparedQuery<
    CancellableShipment & { orderRequestId: string | null; inputOrderId: string }
  >(
    manager,
    `SELECT o.order_id AS "inputOrderId", r.id AS "orderRequestId", s.id, s.order_id AS "orderId", s.status,
            ${SHIPMENT.select('s', ['carrier', 'carrierShipmentId', 'sellerAccount', 'businessId', 'marketplaceId', 'trackingId', 'carrierId', 'labelCostAmount', 'labelCostCurrency'])},
            sc.request_id AS "cancellationRequestId"
       FROM unnest($1::text[]) AS o(order_id)
       LEFT JOIN cancellation_request r ON r.order_id = o.order_id AND r.scope = 'order'
       LEFT JOIN shipment s ON s.order_id = o.order_id
       LEFT JOIN shipment_cancellation sc ON sc.shipment_id = s.id
      ORDER BY s.purchased_at, s.id`,
    [orderIds],
  );
  const orderRequests = new Map<string, string>();
  const shipments = new Map<string, CancellableShipment[]>();
  for (const { inputOrderId, orderRequestId, ...shipment } of found) {
    if (orderRequestId) orderRequests.set(inputOrderId, orderRequestId);
    if (shipment.id === null) continue;
    shipments.set(shipment.orderId, [...(shipments.get(shipment.orderId) ?? []), shipment]);
  }
  return { orderRequests, shipments };
}

const FIRST_CANCELLATION = 1;
const FIRST_REQUEST = FIRST_CANCELLATION + CANCELLATION_KEYS.length;
const NOW = FIRST_REQUEST + REQUEST_KEYS.length;
const SHIPMENT_IDS = FIRST_CANCELLATION + CANCELLATION_KEYS.indexOf('shipmentId');

// Foreign keys are checked at the end of the statement, when the requests are in.
const INSERT_CANCELLATIONS = `WITH requests AS (
       INSERT INTO cancellation_request (${CANCELLATION_REQUEST.names(REQUEST_KEYS)}, created_at, completed_at)
       SELECT ${CANCELLATION_REQUEST.names(REQUEST_KEYS)},
              $${NOW}, CASE WHEN status = 'completed' THEN $${NOW}::timestamptz END
         FROM ${CANCELLATION_REQUEST.unnest(REQUEST_KEYS, FIRST_REQUEST)}
     ), cancellations AS (
       INSERT INTO shipment_cancellation
         (${SHIPMENT_CANCELLATION.names(CANCELLATION_KEYS)},
          state, attempts, lease_until, next_attempt_at, created_at, updated_at)
       SELECT ${SHIPMENT_CANCELLATION.names(CANCELLATION_KEYS)},
              CASE WHEN leased THEN 'in_flight' ELSE 'pending' END, CASE WHEN leased THEN 1 ELSE 0 END,
              CASE WHEN leased THEN now() + make_interval(secs => $${NOW + 2}::double precision / 1000) END,
              $${NOW}, $${NOW}, $${NOW}
         FROM (SELECT *, id = ANY($${NOW + 1}::uuid[]) AS leased
                 FROM ${SHIPMENT_CANCELLATION.unnest(CANCELLATION_KEYS, FIRST_CANCELLATION)}) AS t
     )
     UPDATE shipment SET status = 'cancelling', updated_at = $${NOW} WHERE id = ANY($${SHIPMENT_IDS}::text[])`;

/**
 * Inserts cancellations due now (pending, or in flight under the lease granted for them), marks their
 * shipments as being cancelled and inserts the requests given: one statement, one round trip.
 */
export async function insertCancellations(
  manager: EntityManager,
  created: { requests?: NewCancellationRequest[]; cancellations: NewShipmentCancellation[] },
  now: Date,
  grant: LeaseGrant = NO_LEASE,
): Promise<void> {
  const { requests = [], cancellations } = created;
  if (cancellations.length === 0 && requests.length === 0) return;
  await preparedQuery(manager, INSERT_CANCELLATIONS, [
    ...SHIPMENT_CANCELLATION.arrays(cancellations, CANCELLATION_KEYS),
    ...CANCELLATION_REQUEST.arrays(requests, REQUEST_KEYS),
    now,
    [...grant.leased.keys()],
    grant.leaseMs,
  ]);
}

/** The cancellations just created, as an operator's answer lists them (in creation order). */
export function findCreatedCancellations(
  manager: EntityManager,
  ids: string[],
): Promise<Array<{ id: string; shipmentId: string; state: string }>> {
  return manager.query(
    `SELECT id, shipment_id AS "shipmentId", state FROM shipment_cancellation WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
    [ids],
  );
}

/** The order a cancellation belongs to (to take its lock), or null for an unknown id. */
export async function findOrderOfCancellation(manager: EntityManager, id: string): Promise<string | null> {
  const [found]: Array<{ orderId: string }> = await manager.query(
    `SELECT order_id AS "orderId" FROM shipment_cancellation WHERE id = $1`,
    [id],
  );
  return found?.orderId ?? null;
}

/** A cancellation an operator may retry, locked for the rest of the transaction. */
export interface CancellationToRetry {
  id: string;
  state: string;
  shipmentId: string;
  requestId: string;
}

/** Locks the cancellation's row (the caller holds its order's lock) and returns it; null when it is gone. */
export async function lockCancellationToRetry(
  manager: EntityManager,
  id: string,
): Promise<CancellationToRetry | null> {
  const [current]: CancellationToRetry[] = await manager.query(
    `SELECT id, state, shipment_id AS "shipmentId", request_id AS "requestId" FROM shipment_cancellation WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return current ?? null;
}

/** Makes a failed cancellation due now with a fresh attempt budget, and reopens its shipment and request. */
export async function reopenFailedCancellation(
  manager: EntityManager,
  cancellation: CancellationToRetry,
  now: Date,
): Promise<void> {
  await manager.query(
    `UPDATE shipment_cancellation
        SET state = 'pending', next_attempt_at = now(), failure_reason = NULL, requires_manual_action = false,
            -- A fresh attempt budget (attempts keeps counting for the history); possibly_sent stays,
            -- so "already cancelled" after an earlier attempt of ours still reconciles as voided.
            attempts_before_retry = attempts,
            completed_at = NULL, lease_until = NULL, updated_at = $2
      WHERE id = $1`,
    [cancellation.id, now],
  );
  await manager.query(`UPDATE shipment SET status = 'cancelling', updated_at = $2 WHERE id = $1`, [
    cancellation.shipmentId,
    now,
  ]);
  await manager.query(
    `UPDATE cancellation_request SET status = 'in_progress', completed_at = NULL WHERE id = $1`,
    [cancellation.requestId],
  );
}
