// The statements that move a cancellation request on after its order's cancellations change: find the
// requests that owe ManualReshipRequired, record the event each was given, and close the settled requests.
import type { EntityManager } from 'typeorm';
import type { CancellationState } from '../domain/cancellation';
import type { OrderShipment, RequestOwingManualReship } from '../domain/manual-reship';
import { STATE_WITHOUT_INDEX } from './cancellation-columns';
import { preparedQuery } from './query-rows';
import { Table } from './table';
import { CANCELLATION_REQUEST, SHIPMENT, SHIPMENT_CANCELLATION } from './tables/cancellation.tables';

/**
 * The multi-shipment order requests of the orders $1 that owe their ManualReshipRequired: none of the order's
 * cancellations is in a state of $2.
 */
export const AWAITING_MANUAL_RESHIP = `
  SELECT ${CANCELLATION_REQUEST.select('r', [
    'id',
    'orderId',
    'trigger',
    'actor',
    'causationId',
    'correlationId',
    'shipmentCount',
    'traceParent',
    'reason',
  ])}
    FROM cancellation_request r
   WHERE r.order_id = ANY($1) AND r.scope = 'order' AND r.rule = 'multiple_shipments'
     AND r.manual_reship_event_id IS NULL
     AND NOT EXISTS (SELECT 1 FROM shipment_cancellation sc
                      WHERE sc.order_id = r.order_id AND ${STATE_WITHOUT_INDEX} = ANY($2))`;

const ORDER_SHIPMENTS = `
  SELECT ${SHIPMENT.select('s', ['orderId'])}, s.id AS "shipmentId",
         ${SHIPMENT.select('s', ['carrierShipmentId', 'carrier'])},
         ${SHIPMENT_CANCELLATION.select('sc', ['state', 'outcome', 'failureReason'])}
    FROM shipment s LEFT JOIN shipment_cancellation sc ON sc.shipment_id = s.id
   WHERE s.order_id = ANY($1)
   ORDER BY s.purchased_at, s.id`;

const { id, manualReshipEventId } = CANCELLATION_REQUEST.columns;
const GIVEN_EVENT = new Table<{ id: string; manualReshipEventId: string }>('cancellation_request', {
  id,
  manualReshipEventId,
});
const RECORD_MANUAL_RESHIP = `
  UPDATE cancellation_request r SET manual_reship_event_id = g.manual_reship_event_id
    FROM ${GIVEN_EVENT.unnest(GIVEN_EVENT.keys, 1, 'g')} WHERE r.id = g.id`;

// A request is complete when none of its shipments awaits the carrier or a refund decision, and a
// multi-shipment order's request once it has given its ManualReshipRequired.
const COMPLETE_SETTLED = `
  UPDATE cancellation_request r SET status = 'completed', completed_at = $2
   WHERE r.order_id = ANY($1) AND r.status = 'in_progress'
     AND (r.rule <> 'multiple_shipments' OR r.scope <> 'order' OR r.manual_reship_event_id IS NOT NULL)
     AND NOT EXISTS (SELECT 1 FROM shipment_cancellation sc
                      WHERE sc.request_id = r.id AND sc.completed_at IS NULL)`;

/** The requests of these orders that owe ManualReshipRequired, given the states that make it wait. */
export function requestsOwingManualReship(
  manager: EntityManager,
  orderIds: readonly string[],
  waitWhile: readonly CancellationState[],
): Promise<RequestOwingManualReship[]> {
  return preparedQuery(manager, AWAITING_MANUAL_RESHIP, [orderIds, waitWhile]);
}

/** Every shipment of these orders, oldest purchase first, with its cancellation's state and outcome. */
export function orderShipments(
  manager: EntityManager,
  orderIds: readonly string[],
): Promise<OrderShipment[]> {
  return preparedQuery(manager, ORDER_SHIPMENTS, [orderIds]);
}

/** Records on each request the id of the ManualReshipRequired it was given. */
export async function recordManualReships(
  manager: EntityManager,
  given: ReadonlyArray<{ requestId: string; eventId: string }>,
): Promise<void> {
  const rows = given.map((g) => ({ id: g.requestId, manualReshipEventId: g.eventId }));
  await preparedQuery(manager, RECORD_MANUAL_RESHIP, GIVEN_EVENT.arrays(rows, GIVEN_EVENT.keys));
}

/** Marks completed the in-progress requests of these orders that have nothing left open. */
export async function completeSettledRequests(
  manager: EntityManager,
  orderIds: readonly string[],
  now: Date,
): Promise<void> {
  await preparedQuery(manager, COMPLETE_SETTLED, [orderIds, now]);
}
