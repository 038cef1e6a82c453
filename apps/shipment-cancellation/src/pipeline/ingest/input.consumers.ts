import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, type EventOf, EventTypes } from '@oms/events';
import { HandlerErrorsToTransport } from '../../platform/kafka/handler-errors.filter';
import type { InboundMessage } from '../../platform/kafka/inbound-message';
import type { BatchContext } from '../../platform/kafka/kafka-batch.server';
import { Patterns } from '../../platform/kafka/patterns';
import { traceParentOf } from '../../platform/tracing/trace-context';
import { CancellationService } from './cancellation.service';
import { InboxService } from './inbox.service';
import { ingestBatch } from './ingest-batch';
import { ShipmentsService } from './shipments.service';

/** The two inputs, each a thin handler: the inbox, the cancellation service and the projection hold the rules. */
@Controller()
@UseFilters(HandlerErrorsToTransport)
export class InputConsumers {
  constructor(
    private readonly inbox: InboxService,
    private readonly cancellations: CancellationService,
    private readonly shipments: ShipmentsService,
  ) {}

  /** OrderCancelled → cancellation requests, their new cancellations leased for this instance's free slots. */
  @EventPattern(Patterns.orderCancelled)
  onOrderCancelled(@Payload() messages: InboundMessage[], @Ctx() _context: BatchContext): Promise<void> {
    return ingestBatch<EventOf<typeof EventTypes.orderCancelled>>(
      this.inbox,
      messages,
      EventTypes.orderCancelled,
      async (tx, accepted, now) => {
        const commands = accepted.map(({ event, message }) => ({
          orderId: event.data.orderId,
          trigger: 'order_event' as const,
          actor: event.data.requestedBy ?? event.source,
          reason: event.data.reason ?? null,
          causationId: event.id,
          correlationId: correlationIdOf(event),
          traceParent: traceParentOf(event, message),
        }));
        // Leased in the transaction that creates them, the carrier is called as soon as it has committed.
        const { results, events } = await this.cancellations.request(tx, commands, now, { leaseNew: true });
        return {
          results: results.map((r) => (r.kind === 'duplicate' ? 'duplicate_order' : 'processed')),
          events,
        };
      },
      'ingest OrderCancelled',
    );
  }

  /** ShipmentPurchased → the shipment projection (and a cancel, when the order is already cancelled). */
  @EventPattern(Patterns.shipmentPurchased)
  onShipmentPurchased(@Payload() messages: InboundMessage[], @Ctx() _context: BatchContext): Promise<void> {
    return ingestBatch<EventOf<typeof EventTypes.shipmentPurchased>>(
      this.inbox,
      messages,
      EventTypes.shipmentPurchased,
      (tx, accepted, now) => this.shipments.project(tx, accepted, now),
    );
  }
}

/** The correlation id travels as the CloudEvents extension `correlationid`; a new chain starts at the input. */
export function correlationIdOf(event: CloudEvent<unknown>): string {
  const value = (event as unknown as Record<string, unknown>)['correlationid'];
  return typeof value === 'string' && value !== '' ? value : event.id;
}
