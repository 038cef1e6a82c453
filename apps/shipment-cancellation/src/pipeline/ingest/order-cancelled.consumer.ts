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

/** OrderCancelled → cancellation requests. Thin: the inbox and the service hold the rules. */
@Controller()
@UseFilters(HandlerErrorsToTransport)
export class CancellationConsumer {
  constructor(
    private readonly inbox: InboxService,
    private readonly cancellations: CancellationService,
  ) {}

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
        // The new cancellations are leased for this instance's free carrier slots in the transaction that
        // creates them, so the carrier is called as soon as it has committed.
        const { results, events } = await this.cancellations.request(tx, commands, now, { leaseNew: true });
        return {
          results: results.map((r) => (r.kind === 'duplicate' ? 'duplicate_order' : 'processed')),
          events,
        };
      },
      'ingest OrderCancelled',
    );
  }
}

/** The correlation id travels as the CloudEvents extension `correlationid`; a new chain starts at the input. */
export function correlationIdOf(event: CloudEvent<unknown>): string {
  const value = (event as unknown as Record<string, unknown>)['correlationid'];
  return typeof value === 'string' && value !== '' ? value : event.id;
}
