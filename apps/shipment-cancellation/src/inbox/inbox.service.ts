// The one way inputs enter the database: decode, drop what was already applied, dead-letter what can never
// be applied, and apply the rest — all in one transaction, so a batch is either wholly durable (and its
// offsets may be committed) or not at all (and Kafka redelivers it).
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AnyEvent, type EventType, EventTypes, createDeadLetterRecord, decodeEvent } from '@oms/events';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxWriter, type PendingEvent } from '../outbox/outbox.writer';
import { type InboundMessage, positionId } from './inbound-message';
import { preparedQuery } from '../database/query-rows';

export type InboxResult = 'processed' | 'duplicate_order';

export interface Accepted<E> {
  message: InboundMessage;
  event: E;
}

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
    const decoded = messages.map((message) => ({
      message,
      result: decodeEvent(message.value ?? Buffer.alloc(0), type),
    }));
    const ids = decoded.map((d) => (d.result.ok ? d.result.event.id : positionId(d.message)));

    let appended = 0;
    await this.dataSource.transaction(async (manager) => {
      const seenRows: Array<{ messageId: string }> = await preparedQuery(
        manager,
        `SELECT message_id AS "messageId" FROM inbox_message WHERE message_id = ANY($1)`,
        [ids],
      );
      const seen = new Set(seenRows.map((r) => r.messageId));
      const inbox: Array<[string, string | null, InboundMessage, string | null, string]> = [];
      const accepted: Accepted<E>[] = [];
      const events: PendingEvent[] = [];

      decoded.forEach(({ message, result }, i) => {
        const id = ids[i] as string;
        if (seen.has(id)) {
          this.metrics.inputs.inc({ type, result: 'redelivered' });
          return;
        }
        seen.add(id);
        if (result.ok) {
          accepted.push({ message, event: result.event as E });
          return;
        }
        const record = createDeadLetterRecord(this.config.kafka.groupId, message, result, now);
        events.push({
          type: EventTypes.deadLetter,
          data: record,
          key: message.key?.toString('utf8') ?? positionId(message),
        });
        inbox.push([id, null, message, null, 'dead_lettered']);
        this.metrics.inputs.inc({ type, result: 'dead_lettered' });
      });

      const applied = await apply(manager, accepted, now);
      accepted.forEach(({ message, event }, i) => {
        const result = applied.results[i] ?? 'processed';
        inbox.push([
          event.id,
          event.type,
          message,
          (event.data as { orderId?: string }).orderId ?? null,
          result,
        ]);
        this.metrics.inputs.inc({ type, result });
      });
      events.push(...applied.events);

      if (inbox.length > 0) {
        await preparedQuery(
          manager,
          `INSERT INTO inbox_message (message_id, event_type, topic, partition, "offset", order_id, result, received_at)
           SELECT *, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[])
           ON CONFLICT (message_id) DO NOTHING`,
          [
            inbox.map((r) => r[0]),
            inbox.map((r) => r[1]),
            inbox.map((r) => r[2].topic),
            inbox.map((r) => r[2].partition),
            inbox.map((r) => r[2].offset),
            inbox.map((r) => r[3]),
            inbox.map((r) => r[4]),
            now,
          ],
        );
      }
      appended = (await this.outbox.append(manager, events)).length;
    });
    if (appended > 0) this.outbox.notifyCommitted();
  }
}
