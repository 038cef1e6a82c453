// After any change to an order's cancellations: emit ManualReshipRequired once no cancellation of a
// multi-shipment order awaits the carrier, and close the requests that have nothing left open.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventTypes } from '@oms/events';
import { MANUAL_RESHIP_WAITS_WHILE, manualReships } from '../../domain/manual-reship';
import type { PendingEvent } from '../../store/outbox.writer';
import {
  completeSettledRequests,
  orderShipments,
  recordManualReships,
  requestsOwingManualReship,
} from '../../store/progress.store';

@Injectable()
export class CancellationProgress {
  /**
   * Must run inside the transaction that holds the orders' locks, in statements that start after the locks are
   * held (a snapshot from before them can miss a late shipment's recount). Returns the events to append.
   */
  async update(manager: EntityManager, orderIds: string[], now: Date): Promise<PendingEvent[]> {
    if (orderIds.length === 0) return [];
    const owing = await requestsOwingManualReship(manager, orderIds, MANUAL_RESHIP_WAITS_WHILE);
    const events: PendingEvent[] = [];
    if (owing.length > 0) {
      const shipments = await orderShipments(
        manager,
        owing.map((r) => r.orderId),
      );
      const owed = manualReships(owing, shipments, now);
      // Recording the event id on the request is what makes ManualReshipRequired once per order.
      await recordManualReships(manager, owed);
      for (const m of owed) {
        events.push({
          type: EventTypes.manualReshipRequired,
          data: m.data,
          key: m.orderId,
          id: m.eventId,
          traceParent: m.traceParent,
        });
      }
    }
    await completeSettledRequests(manager, orderIds, now);
    return events;
  }
}
