// The one way inputs enter the database: decode, drop what was already applied, dead-letter what can never
// be applied, and apply the rest — all in one transaction, so a batch is either wholly durable (and its
// offsets may be committed) or not at all (and Kafka redelivers it).
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type AnyEvent,
  type DecodeResult,
  type EventType,
  EventTypes,
  createDeadLetterRecord,
  decodeEvent,
  type DeadLetterReason,
  type DeadLetterRecord,
} from '@oms/events';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import type { PendingEvent } from '../../store/outbox.writer';
import { DeadLetterStore } from '../../store/dead-letter.store';
import { type InboundMessage, outputKeyOf, positionId } from '../../platform/kafka/inbound-message';
import { describeRefusal, isRefusedInput } from '../../platform/kafka/refused-input';
import {
  type InboxEntry,
  markDuplicateOrders,
  recordDeadLettered,
  recordMessages,
} from '../../store/inbox.store';
import { type Transaction, UnitOfWork } from '../../store/unit-of-work';

export type InboxResult = 'processed' | 'duplicate_order';

export interface Accepted<E> {
  message: InboundMessage;
  event: E;
}

/** Applies the accepted messages inside the ingest transaction, which already holds their orders' locks. */
export type Applier<E> = (
  tx: Transaction,
  accepted: Accepted<E>[],
  now: Date,
) => Promise<{ results: InboxResult[]; events: PendingEvent[] }>;

@Injectable()
export class InboxService {
  private readonly logger = new Logger('Inbox');

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly deadLetters: DeadLetterStore,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Dead-letters one message whose ingest the database refused (it holds what Postgres cannot store, or breaks
   * a constraint): recorded in the inbox as dead-lettered, kept whole in the dead-letter store, published to
   * the DLQ. A redelivery of a message already dead-lettered is dropped.
   */
  async deadLetter(message: InboundMessage, error: unknown): Promise<void> {
    const decoded = decodeEvent(message.value ?? Buffer.alloc(0));
    const event = decoded.ok ? (decoded.event as AnyEvent) : null;
    const id = event && storableId(event.id) ? event.id : positionId(message);
    const reason = { kind: 'store_rejected' as const, message: describeRefusal(error), issues: [] };
    const now = new Date();
    let recorded: boolean;
    try {
      recorded = await this.recordDeadLetter(message, id, event, reason, now, false);
    } catch (failure) {
      // The full record itself refused: keep the bytes in the store and publish a record without them.
      if (!isRefusedInput(failure)) throw failure;
      this.logger.warn(
        `the dead-letter record of ${positionId(message)} was refused; publishing it without bytes`,
      );
      recorded = await this.recordDeadLetter(message, id, event, reason, now, true);
    }
    if (!recorded) return;
    this.metrics.inputs.inc({ type: event?.type ?? 'unknown', result: 'dead_lettered' });
    this.logger.warn(
      `dead-lettered ${positionId(message)}${event ? ` (${event.type} ${id})` : ''}: ${reason.message}`,
    );
  }

  // Records the message as dead-lettered in the inbox, the store and the outbox; false when it already was.
  private recordDeadLetter(
    message: InboundMessage,
    id: string,
    event: AnyEvent | null,
    reason: DeadLetterReason,
    now: Date,
    bare: boolean,
  ): Promise<boolean> {
    return this.unitOfWork.run(async (tx) => {
      const entry = inboxEntry(id, message, event, storableOrderId(event));
      if (!(await recordDeadLettered(tx.manager, entry, now))) return false;
      await tx.append([await this.deadLetterEvent(tx.manager, message, reason, now, event, bare)]);
      return true;
    });
  }

  // Keeps the message whole in the store and returns its DLQ event.
  private async deadLetterEvent(
    manager: EntityManager,
    message: InboundMessage,
    reason: DeadLetterReason,
    now: Date,
    event: AnyEvent | null,
    bare = false,
  ): Promise<PendingEvent> {
    const deadLetterId = await this.deadLetters.record(manager, {
      consumerGroup: this.config.kafka.groupId,
      message,
      reason,
      eventType: event?.type ?? null,
      orderId: storableOrderId(event),
      at: now,
    });
    return {
      type: EventTypes.deadLetter,
      data: bare
        ? bareRecord(createDeadLetterRecord(this.config.kafka.groupId, message, reason, now, deadLetterId))
        : createDeadLetterRecord(this.config.kafka.groupId, message, reason, now, deadLetterId),
      key: outputKeyOf(message),
    };
  }

  async ingest<E extends AnyEvent>(
    messages: InboundMessage[],
    type: EventType,
    apply: Applier<E>,
  ): Promise<void> {
    const now = new Date();
    // A later copy of an id in the same batch is a redelivery of the first.
    const candidates: Candidate[] = [];
    const ids = new Set<string>();
    for (const message of messages) {
      const result = decodeEvent(message.value ?? Buffer.alloc(0), type);
      const id = result.ok ? result.event.id : positionId(message);
      if (ids.has(id)) this.metrics.inputs.inc({ type, result: 'redelivered' });
      else candidates.push({ id, message, result });
      ids.add(id);
    }
    if (candidates.length === 0) return;

    await this.unitOfWork.run(async (tx) => {
      // Recording the messages is the duplicate check: the ids already recorded are not inserted again. The same
      // statement then takes the locks of the new messages' orders, which the applier relies on.
      const entries = candidates.map(({ id, message, result }) => {
        const event = result.ok ? (result.event as AnyEvent) : null;
        return inboxEntry(
          id,
          message,
          event,
          (event?.data as { orderId?: string } | undefined)?.orderId ?? null,
        );
      });
      const fresh = new Set(await recordMessages(tx.manager, entries, now));
      const accepted: Accepted<E>[] = [];
      const events: PendingEvent[] = [];
      for (const { id, message, result } of candidates) {
        if (!fresh.has(id)) {
          this.metrics.inputs.inc({ type, result: 'redelivered' });
          continue;
        }
        if (result.ok) {
          accepted.push({ message, event: result.event as E });
          continue;
        }
        events.push(await this.deadLetterEvent(tx.manager, message, result, now, null));
        this.metrics.inputs.inc({ type, result: 'dead_lettered' });
      }

      const applied = await apply(tx, accepted, now);
      const duplicates: string[] = [];
      accepted.forEach(({ event }, i) => {
        const result = applied.results[i] ?? 'processed';
        if (result === 'duplicate_order') duplicates.push(event.id);
        this.metrics.inputs.inc({ type, result });
      });
      // Recorded as processed; the few that turned out to repeat an order say so.
      await markDuplicateOrders(tx.manager, duplicates);
      await tx.append([...events, ...applied.events]);
    });
  }
}

/** A record without the message's bytes, key or headers (all kept in the store, under `deadLetterId`). */
function bareRecord(record: DeadLetterRecord): DeadLetterRecord {
  return {
    ...record,
    source: { ...record.source, key: null },
    headers: {},
    payload: { ...record.payload, base64: null, utf8: null },
    error: {
      kind: record.error.kind,
      message: 'refused (see the service log and the dead-letter store)',
      issues: [],
    },
    truncated: true,
  };
}

/** An id the inbox can key by: no NUL (Postgres refuses it in text) and short enough for its index. */
function storableId(id: string): boolean {
  return id.length > 0 && id.length <= 256 && !id.includes('\u0000');
}

interface Candidate {
  id: string;
  message: InboundMessage;
  result: DecodeResult;
}

/** The order id of an event, when it has one the inbox can store. */
function storableOrderId(event: AnyEvent | null): string | null {
  const orderId = (event?.data as { orderId?: unknown } | undefined)?.orderId;
  return typeof orderId === 'string' && storableId(orderId) ? orderId : null;
}

/** How the inbox records a message: processed once decoded, dead-lettered when it could not be. */
function inboxEntry(
  id: string,
  message: InboundMessage,
  event: AnyEvent | null,
  orderId: string | null,
): InboxEntry {
  return {
    messageId: id,
    eventType: event?.type ?? null,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    orderId,
    result: event ? 'processed' : 'dead_lettered',
  };
}
