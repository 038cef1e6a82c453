import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, type EventOf, EventTypes } from '@oms/events';
import { InboxService } from '../inbox/inbox.service';
import type { InboundMessage } from '../inbox/inbound-message';
import type { BatchContext } from '../kafka/kafka-batch.server';
import { Patterns } from '../kafka/patterns';
import { CancellationService } from './cancellation.service';
import { type Claim, CarrierWorker } from './carrier-worker.service';

/** OrderCancelled → cancellation requests. Thin: the inbox and the service hold the rules. */
@Controller()
export class CancellationConsumer {
  constructor(
    private readonly inbox: InboxService,
    private readonly cancellations: CancellationService,
    private readonly worker: CarrierWorker,
  ) {}

  @EventPattern(Patterns.orderCancelled)
  async onOrderCancelled(
    @Payload() messages: InboundMessage[],
    @Ctx() _context: BatchContext,
  ): Promise<void> {
    // The new cancellations are claimed for this instance's free carrier slots inside the same transaction,
    // so their lease commits with them and the carrier is called as soon as it has committed.
    let claim: Claim | null = null;
    try {
      await this.inbox.ingest<EventOf<typeof EventTypes.orderCancelled>>(
        messages,
        EventTypes.orderCancelled,
        async (manager, accepted, now) => {
          const { results, events } = await this.cancellations.request(
            manager,
            accepted.map(({ event }) => ({
              orderId: event.data.orderId,
              trigger: 'order_event' as const,
              actor: event.data.requestedBy ?? event.source,
              reason: event.data.reason ?? null,
              causationId: event.id,
              correlationId: correlationIdOf(event),
            })),
            now,
          );
          const created = results.flatMap((r) => (r.kind === 'accepted' ? r.cancellations : []));
          if (created.length > 0) claim = await this.worker.claimWithin(manager, created);
          return {
            results: results.map((r) => (r.kind === 'duplicate' ? 'duplicate_order' : 'processed')),
            events,
          };
        },
      );
    } catch (error) {
      if (claim) this.worker.release(claim);
      throw error;
    }
    // Committed: call the carrier for what was claimed, and offer the rest to the worker.
    if (claim) this.worker.runClaimed(claim);
  }
}

/** The correlation id travels as the CloudEvents extension `correlationid`; a new chain starts at the input. */
export function correlationIdOf(event: CloudEvent<unknown>): string {
  const value = (event as unknown as Record<string, unknown>)['correlationid'];
  return typeof value === 'string' && value !== '' ? value : event.id;
}
