import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, type EventOf, EventTypes } from '@oms/events';
import { InboxService } from '../inbox/inbox.service';
import type { InboundMessage } from '../inbox/inbound-message';
import type { BatchContext } from '../kafka/kafka-batch.server';
import { Patterns } from '../kafka/patterns';
import { CancellationService, type NewCancellation } from './cancellation.service';
import { CarrierWorker } from './carrier-worker.service';

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
    const created: NewCancellation[] = [];
    await this.inbox.ingest<EventOf<typeof EventTypes.orderCancelled>>(
      messages,
      EventTypes.orderCancelled,
      async (manager, accepted, now) => {
        created.length = 0; // the transaction may be retried: keep only what its last run created
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
        for (const r of results) if (r.kind === 'accepted') created.push(...r.cancellations);
        return {
          results: results.map((r) => (r.kind === 'duplicate' ? 'duplicate_order' : 'processed')),
          events,
        };
      },
    );
    // Committed: hand the new work straight to the worker.
    if (created.length > 0) this.worker.offer(created);
  }
}

/** The correlation id travels as the CloudEvents extension `correlationid`; a new chain starts at the input. */
export function correlationIdOf(event: CloudEvent<unknown>): string {
  const value = (event as unknown as Record<string, unknown>)['correlationid'];
  return typeof value === 'string' && value !== '' ? value : event.id;
}
