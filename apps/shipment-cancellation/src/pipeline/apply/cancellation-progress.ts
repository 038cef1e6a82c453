// After any change to an order's cancellations: emit ManualReshipRequired once every shipment of a
// multi-shipment order has its first outcome, and close requests whose shipments are all settled.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EventTypes, type FailureReason, type CancelledOutcome } from '@oms/events';
import type { PendingEvent } from '../../store/outbox.writer';
import { manualReshipRequired, type ShipmentSummary } from '../../domain/cancellation-events';
import { SC_STATE } from '../../store/cancellation-columns';
import { preparedQuery } from '../../store/query-rows';

// States in which the carrier has not yet answered for the shipment.
const UNSETTLED = ['pending', 'in_flight', 'unknown'];

interface OrderShipmentRow {
  orderId: string;
  shipmentId: string;
  carrierShipmentId: string;
  carrier: ShipmentSummary['carrier'];
  state: string | null;
  outcome: CancelledOutcome | null;
  failureReason: FailureReason | null;
}

/**
 * The multi-shipment order requests of the orders $1 that owe their ManualReshipRequired: none of the order's
 * shipments is in a state of $2 (the carrier has answered for every one).
 */
export const AWAITING_MANUAL_RESHIP = `
  SELECT r.id, r.order_id AS "orderId", r.trigger, r.actor, r.causation_id AS "causationId",
         r.correlation_id AS "correlationId", r.shipment_count AS "shipmentCount",
         r.trace_parent AS "traceParent"
    FROM cancellation_request r
   WHERE r.order_id = ANY($1) AND r.scope = 'order' AND r.rule = 'multiple_shipments'
     AND r.manual_reship_event_id IS NULL
     AND NOT EXISTS (SELECT 1 FROM shipment_cancellation sc
                      WHERE sc.order_id = r.order_id AND ${SC_STATE} = ANY($2))`;

@Injectable()
export class CancellationProgress {
  /**
   * Must run inside the transaction that holds the orders' locks. Returns the events to append.
   * `severalShipments`: the orders that may owe a ManualReshipRequired (all of them unless the caller knows
   * which have the multiple-shipments rule), so single-shipment batches skip that query.
   */
  async update(
    manager: EntityManager,
    orderIds: string[],
    now: Date,
    severalShipments: string[] = orderIds,
  ): Promise<PendingEvent[]> {
    if (orderIds.length === 0) return [];
    const events: PendingEvent[] = [];

    const waiting: Array<{
      id: string;
      orderId: string;
      trigger: 'order_event' | 'admin';
      actor: string;
      causationId: string;
      correlationId: string;
      shipmentCount: number;
      traceParent: string | null;
    }> =
      severalShipments.length === 0
        ? []
        : await preparedQuery(manager, AWAITING_MANUAL_RESHIP, [severalShipments, UNSETTLED]);
    if (waiting.length > 0) {
      const shipments: OrderShipmentRow[] = await preparedQuery(
        manager,
        `SELECT s.order_id AS "orderId", s.id AS "shipmentId", s.carrier_shipment_id AS "carrierShipmentId",
                s.carrier, sc.state, sc.outcome, sc.failure_reason AS "failureReason"
           FROM shipment s LEFT JOIN shipment_cancellation sc ON sc.shipment_id = s.id
          WHERE s.order_id = ANY($1)
          ORDER BY s.purchased_at, s.id`,
        [waiting.map((r) => r.orderId)],
      );
      const assignments: Array<{ requestId: string; eventId: string }> = [];
      for (const request of waiting) {
        const own = shipments.filter((s) => s.orderId === request.orderId);
        const summaries: ShipmentSummary[] = own.map((s) => ({
          shipmentId: s.shipmentId,
          carrierShipmentId: s.carrierShipmentId,
          carrier: s.carrier,
          state: s.state ?? 'inactive',
          outcome: s.outcome,
          failureReason: s.failureReason,
        }));
        const data = manualReshipRequired(
          request,
          summaries,
          Math.max(request.shipmentCount, own.length),
          now,
        );
        const eventId = randomUUID();
        events.push({
          type: EventTypes.manualReshipRequired,
          data,
          key: request.orderId,
          id: eventId,
          traceParent: request.traceParent,
        });
        assignments.push({ requestId: request.id, eventId });
      }
      // Recording the event id on the request is what makes ManualReshipRequired once per order.
      await preparedQuery(
        manager,
        `UPDATE cancellation_request r SET manual_reship_event_id = a.event_id
           FROM unnest($1::uuid[], $2::uuid[]) AS a(request_id, event_id) WHERE r.id = a.request_id`,
        [assignments.map((a) => a.requestId), assignments.map((a) => a.eventId)],
      );
    }

    // A request is complete when none of its shipments awaits the carrier or a refund decision.
    await preparedQuery(
      manager,
      `UPDATE cancellation_request r SET status = 'completed', completed_at = $2
        WHERE r.order_id = ANY($1) AND r.status = 'in_progress'
          AND (r.rule <> 'multiple_shipments' OR r.scope <> 'order' OR r.manual_reship_event_id IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM shipment_cancellation sc
                           WHERE sc.request_id = r.id AND sc.completed_at IS NULL)`,
      [orderIds, now],
    );
    return events;
  }
}
