import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type CloudEvent, type EventOf, EventTypes } from '@oms/events';
import { InboxService } from './inbox.service';
import type { InboundMessage } from '../../platform/kafka/inbound-message';
import { HandlerErrorsToTransport } from '../../platform/kafka/handler-errors.filter';
import type { BatchContext } from '../../platform/kafka/kafka-batch.server';
import { Patterns } from '../../platform/kafka/patterns';
import { CancellationService } from './cancellation.service';
import type { CancellationRow } from '../../domain/cancellation';
import { CarrierWorker, type Reservation } from '../dispatch/carrier-worker.service';
import { traceParentOf } from '../../platform/tracing/trace-context';
import { SpanKind, endSpan, linkTo, startBatchSpan, tracingEnabled } from '../../platform/tracing/tracing';

/** OrderCancelled → cancellation requests. Thin: the inbox and the service hold the rules. */
@Controller()
@UseFilters(HandlerErrorsToTransport)
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
    // The new cancellations are leased for this instance's free carrier slots in the transaction that
    // creates them, so the carrier is called as soon as it has committed.
    let reservation: Reservation | null = null;
    let leased: CancellationRow[] = [];
    // One span per batch (undefined with tracing off), linked to the trace of each message it took in.
    const span = tracingEnabled()
      ? startBatchSpan('ingest OrderCancelled', SpanKind.CONSUMER, [], {
          'messaging.batch.message_count': messages.length,
        })
      : undefined;
    try {
      await this.inbox.ingest<EventOf<typeof EventTypes.orderCancelled>>(
        messages,
        EventTypes.orderCancelled,
        async (manager, accepted, now) => {
          if (span)
            linkTo(
              span,
              accepted.map(({ event, message }) => traceParentOf(event, message)),
            );
          const outcome = await this.cancellations.request(
            manager,
            accepted.map(({ event, message }) => ({
              orderId: event.data.orderId,
              trigger: 'order_event' as const,
              actor: event.data.requestedBy ?? event.source,
              reason: event.data.reason ?? null,
              causationId: event.id,
              correlationId: correlationIdOf(event),
              traceParent: traceParentOf(event, message),
            })),
            now,
            (created) => (reservation = this.worker.reserve(created)),
          );
          leased = outcome.leased;
          return {
            results: outcome.results.map((r) => (r.kind === 'duplicate' ? 'duplicate_order' : 'processed')),
            events: outcome.events,
          };
        },
      );
    } catch (error) {
      endSpan(span, error);
      if (reservation) this.worker.release(reservation);
      throw error;
    }
    endSpan(span);
    // Committed: call the carrier for what was leased, and offer the rest to the worker.
    if (reservation) this.worker.runLeased(reservation, leased);
  }
}

/** The correlation id travels as the CloudEvents extension `correlationid`; a new chain starts at the input. */
export function correlationIdOf(event: CloudEvent<unknown>): string {
  const value = (event as unknown as Record<string, unknown>)['correlationid'];
  return typeof value === 'string' && value !== '' ? value : event.id;
}
