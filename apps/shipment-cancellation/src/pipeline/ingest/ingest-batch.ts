// The frame the Kafka consumers share: one batch of one input type through the inbox, traced (with tracing on
// and a span name given) by one span linked to the trace of each message it took in.
import type { AnyEvent, EventType } from '@oms/events';
import type { InboundMessage } from '../../platform/kafka/inbound-message';
import { traceParentOf } from '../../platform/tracing/trace-context';
import { SpanKind, endSpan, linkTo, startBatchSpan, tracingEnabled } from '../../platform/tracing/tracing';
import type { Applier, InboxService } from './inbox.service';

export async function ingestBatch<E extends AnyEvent>(
  inbox: InboxService,
  messages: InboundMessage[],
  type: EventType,
  apply: Applier<E>,
  spanName?: string,
): Promise<void> {
  const span =
    spanName !== undefined && tracingEnabled()
      ? startBatchSpan(spanName, SpanKind.CONSUMER, [], { 'messaging.batch.message_count': messages.length })
      : undefined;
  try {
    await inbox.ingest<E>(messages, type, (tx, accepted, now) => {
      if (span)
        linkTo(
          span,
          accepted.map(({ event, message }) => traceParentOf(event, message)),
        );
      return apply(tx, accepted, now);
    });
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
  endSpan(span);
}
