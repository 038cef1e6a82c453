// The columns of inbox_message (see ../table.ts), as the migrations create them.
import { Table, col } from '../table';

export type InboxMessageResult = 'processed' | 'duplicate_order' | 'dead_lettered';

export interface InboxMessageColumns {
  /** The CloudEvent id, or `topic/partition/offset` for a message too broken to have one. */
  messageId: string;
  eventType: string | null;
  topic: string;
  partition: number;
  offset: string;
  orderId: string | null;
  result: InboxMessageResult;
  receivedAt: Date;
}

export const INBOX_MESSAGE = new Table<InboxMessageColumns>('inbox_message', {
  messageId: col('message_id', 'text'),
  eventType: col('event_type', 'text'),
  topic: col('topic', 'text'),
  partition: col('partition', 'int'),
  offset: col('offset', 'bigint'),
  orderId: col('order_id', 'text'),
  result: col('result', 'text'),
  receivedAt: col('received_at', 'timestamptz'),
});
