// The one way inputs enter the database: decode, drop what was already applied, dead-letter what can never
// be applied, and apply the rest — all in one transaction, so a batch is either wholly durable (and its
// offsets may be committed) or not at all (and Kafka redelivers it).
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type AnyEvent,
  type DecodeResult,
  type EventType,
  EventTypes,
  createDeadLetterRecord,
  decodeEvent,
} from '@oms/events';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxWriter, type PendingEvent } from '../outbox/outbox.writer';
import { type InboundMessage, positionId } from './inbound-message';
import { preparedQuery } from '../database/query-rows';
import { lockOrdersSql } from '../cancellation/order-lock';

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
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

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
        const record = createDeadLetterRecord(this.config.kafka.groupId, message, result, now);
        events.push({
          type: EventTypes.deadLetter,
          data: record,
          key: message.key?.toString('utf8') ?? positionId(message),
        });
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
