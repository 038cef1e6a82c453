import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventOf, EventTypes } from '@oms/events';
import { HandlerErrorsToTransport } from '../../platform/kafka/handler-errors.filter';
import type { InboundMessage } from '../../platform/kafka/inbound-message';
import type { BatchContext } from '../../platform/kafka/kafka-batch.server';
import { Patterns } from '../../platform/kafka/patterns';
import { InboxService } from './inbox.service';
import { ingestBatch } from './ingest-batch';
import { ShipmentsService } from './shipments.service';

/** ShipmentPurchased → the shipment projection (and a cancel, when the order is already cancelled). */
@Controller()
@UseFilters(HandlerErrorsToTransport)
export class ShipmentsConsumer {
  constructor(
    private readonly inbox: InboxService,
    private readonly shipments: ShipmentsService,
  ) {}

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
