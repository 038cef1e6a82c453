// The columns of the outbox table (see ../table.ts), as the migrations create it.
import { Table, col } from '../table';

export interface OutboxEventColumns {
  id: string;
  eventId: string;
  topic: string;
  messageKey: string | null;
  eventType: string;
  payload: unknown;
  headers: Record<string, string>;
  createdAt: Date;
  publishedAt: Date | null;
}

export const OUTBOX_EVENT = new Table<OutboxEventColumns>('outbox_event', {
  id: col('id', 'bigint'),
  eventId: col('event_id', 'uuid'),
  topic: col('topic', 'text'),
  messageKey: col('message_key', 'text'),
  eventType: col('event_type', 'text'),
  payload: col('payload', 'jsonb'),
  headers: col('headers', 'jsonb'),
  createdAt: col('created_at', 'timestamptz'),
  publishedAt: col('published_at', 'timestamptz'),
});
