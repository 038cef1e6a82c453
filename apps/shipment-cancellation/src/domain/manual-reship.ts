// ManualReshipRequired: Merchant Fulfillment cannot buy new labels for an order it cancelled (a rule applied to every
// carrier API alike), so a request that cancels a multi-shipment order owes one such event, once no cancellation of
// the order awaits the carrier.
import { randomUUID } from 'node:crypto';
import type { CancelTrigger, CancelledOutcome, FailureReason, ManualReshipRequired } from '@oms/events';
import { AWAITING_CARRIER, type CancellationRow, type CancellationState } from './cancellation';
import { manualReshipRequired } from './cancellation-events';

/** While any of an order's cancellations is in one of these states, its ManualReshipRequired waits. */
export const MANUAL_RESHIP_WAITS_WHILE: readonly CancellationState[] = AWAITING_CARRIER;

/** A multi-shipment order's request that owes its ManualReshipRequired. */
export interface RequestOwingManualReship {
  id: string;
  orderId: string;
  trigger: CancelTrigger;
  actor: string;
  causationId: string;
  correlationId: string;
  /** The request's reason; absent where the store does not read it. */
  reason?: string | null;
  /** The shipments the order had when the request was made. */
  shipmentCount: number;
  traceParent: string | null;
}

/** One shipment of an order, with its cancellation's state if it has one. */
export interface OrderShipment {
  orderId: string;
  shipmentId: string;
  carrierShipmentId: string;
  carrier: CancellationRow['carrier'];
  /** null: the shipment was not cancelled (already inactive when the request came). */
  state: CancellationState | null;
  outcome: CancelledOutcome | null;
  failureReason: FailureReason | null;
}

/** The event a request owes, under an id of its own that the request records (which makes it once only). */
export interface ManualReship {
  requestId: string;
  orderId: string;
  eventId: string;
  data: ManualReshipRequired;
  traceParent: string | null;
}

/** The ManualReshipRequired of each request, from its order's shipments (in purchase order). */
export function manualReships(
  requests: readonly RequestOwingManualReship[],
  shipments: readonly OrderShipment[],
  at: Date,
  newId: () => string = randomUUID,
): ManualReship[] {
  return requests.map((request) => {
    const own = shipments.filter((s) => s.orderId === request.orderId);
    const summaries = own.map((s) => ({
      shipmentId: s.shipmentId,
      carrierShipmentId: s.carrierShipmentId,
      carrier: s.carrier,
      state: s.state ?? 'inactive',
      outcome: s.outcome,
      failureReason: s.failureReason,
    }));
    // The order's shipments now may outnumber those the request counted: the event reports the larger count.
    const data = manualReshipRequired(request, summaries, Math.max(request.shipmentCount, own.length), at);
    return {
      requestId: request.id,
      orderId: request.orderId,
      eventId: newId(),
      data,
      traceParent: request.traceParent,
    };
  });
}
