// The one way inputs enter the database: decode, drop what was already applied, dead-letter what can never
// be applied, and apply the rest — all in one transaction, so a batch is either wholly durable (and its
// offsets may be committed) or not at all (and Kafka redelivers it).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
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
import { OutboxWriter, type PendingEvent } from '../../store/outbox.writer';
import { DeadLetterStore } from '../../store/dead-letter.store';
import { type InboundMessage, outputKeyOf, positionId } from '../../platform/kafka/inbound-message';
import { describeRefusal, isRefusedInput } from '../../platform/kafka/refused-input';
import { preparedQuery } from '../../store/query-rows';
import { lockOrdersSql } from '../../store/order-lock';

export type InboxResult = 'processed' | 'duplicate_order';

export interface Accepted<E> {
  message: InboundMessage;
  event: E;
}

/** Applies the accepted messages inside the ingest transaction, which already holds their orders' locks. */
export type Applier<E> = (
  manager: EntityManager,
  accepted: Accepted<E>[],
  now: Date,
) => Promise<{ results: InboxResult[]; events: PendingEvent[] }>;

@Injectable()
export class InboxService {
  private readonly logger = new Logger('Inbox');

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
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
    this.outbox.notifyCommitted();
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
    const orderId = (event?.data as { orderId?: unknown } | undefined)?.orderId;
    return this.dataSource.transaction(async (manager) => {
      const rows = await preparedQuery<{ id: string }>(
        manager,
        `INSERT INTO inbox_message (message_id, event_type, topic, partition, "offset", order_id, result, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'dead_lettered', $7)
         ON CONFLICT (message_id) DO NOTHING RETURNING message_id AS id`,
        [
          id,
          event?.type ?? null,
          message.topic,
          message.partition,
          message.offset,
          typeof orderId === 'string' && storableId(orderId) ? orderId : null,
          now,
        ],
      );
      if (rows.length === 0) return false;
      await this.outbox.append(manager, [
        await this.deadLetterEvent(manager, message, reason, now, event, bare),
      ]);
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
    const orderId = (event?.data as { orderId?: unknown } | undefined)?.orderId;
    const deadLetterId = await this.deadLetters.record(manager, {
      consumerGroup: this.config.kafka.groupId,
      message,
      reason,
      eventType: event?.type ?? null,
      orderId: typeof orderId === 'string' && storableId(orderId) ? orderId : null,
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

    let appended = 0;
    await this.dataSource.transaction(async (manager) => {
      // Recording the messages is the duplicate check: the ids already recorded are not inserted again. The same
      // statement then takes the locks of the new messages' orders, which the applier relies on.
      const fresh = new Set(
        (await preparedQuery<{ id: string }>(manager, RECORD_MESSAGES, recordColumns(candidates, now))).map(
          (r) => r.id,
        ),
      );
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
        events.push(await this.deadLetterEvent(manager, message, result, now, null));
        this.metrics.inputs.inc({ type, result: 'dead_lettered' });
      }

      const applied = await apply(manager, accepted, now);
      const duplicates: string[] = [];
      accepted.forEach(({ event }, i) => {
        const result = applied.results[i] ?? 'processed';
        if (result === 'duplicate_order') duplicates.push(event.id);
        this.metrics.inputs.inc({ type, result });
      });
      // Recorded as processed; the few that turned out to repeat an order say so.
      if (duplicates.length > 0)
        await preparedQuery(
          manager,
          `UPDATE inbox_message SET result = 'duplicate_order' WHERE message_id = ANY($1::text[])`,
          [duplicates],
        );
      events.push(...applied.events);
      appended = (await this.outbox.append(manager, events)).length;
    });
    if (appended > 0) this.outbox.notifyCommitted();
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

/**
 * Inserts the messages not yet recorded and returns their ids, then locks the orders of those it inserted.
 * Rows go in sorted by id, so two transactions holding some of the same ids (a redelivery racing its original)
 * wait for one another instead of deadlocking; the one that waited then finds those ids recorded. Every row is
 * inserted before the first order lock is taken (the locks need the whole sorted set of orders).
 */
export const RECORD_MESSAGES = `WITH recorded AS (
    INSERT INTO inbox_message (message_id, event_type, topic, partition, "offset", order_id, result, received_at)
    SELECT *, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[])
     ORDER BY 1
    ON CONFLICT (message_id) DO NOTHING
    RETURNING message_id, order_id
  ), locks AS (${lockOrdersSql('(SELECT order_id FROM recorded WHERE order_id IS NOT NULL) AS t(o)')})
  SELECT message_id AS id FROM recorded, locks`;

function recordColumns(candidates: Candidate[], now: Date): unknown[] {
  const events = candidates.map(({ result }) => (result.ok ? (result.event as AnyEvent) : null));
  return [
    candidates.map((c) => c.id),
    events.map((e) => e?.type ?? null),
    candidates.map((c) => c.message.topic),
    candidates.map((c) => c.message.partition),
    candidates.map((c) => c.message.offset),
    events.map((e) => (e?.data as { orderId?: string } | undefined)?.orderId ?? null),
    events.map((e) => (e ? 'processed' : 'dead_lettered')),
    now,
  ];
}
