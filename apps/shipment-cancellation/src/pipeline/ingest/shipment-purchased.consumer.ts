import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventOf, EventTypes } from '@oms/events';
import { CarrierWorker } from '../dispatch/carrier-worker.service';
import { InboxService } from './inbox.service';
import type { InboundMessage } from '../../platform/kafka/inbound-message';
import { HandlerErrorsToTransport } from '../../platform/kafka/handler-errors.filter';
import type { BatchContext } from '../../platform/kafka/kafka-batch.server';
import { Patterns } from '../../platform/kafka/patterns';
import { ShipmentsService } from './shipments.service';

/** ShipmentPurchased → the shipment projection (and a cancel, when the order is already cancelled). */
@Controller()
@UseFilters(HandlerErrorsToTransport)
export class ShipmentsConsumer {
  constructor(
    private readonly inbox: InboxService,
    private readonly shipments: ShipmentsService,
    private readonly worker: CarrierWorker,
  ) {}

  @EventPattern(Patterns.shipmentPurchased)
  async onShipmentPurchased(
    @Payload() messages: InboundMessage[],
    @Ctx() _context: BatchContext,
  ): Promise<void> {
    let late = 0;
    await this.inbox.ingest<EventOf<typeof EventTypes.shipmentPurchased>>(
      messages,
      EventTypes.shipmentPurchased,
      async (manager, accepted, now) => {
        const projected = await this.shipments.project(manager, accepted, now);
        late = projected.lateCancellations;
        return projected;
      },
    );
    if (late > 0) this.worker.wake();
  }
}
