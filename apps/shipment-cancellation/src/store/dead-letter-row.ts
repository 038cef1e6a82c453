// How a dead letter is read back: the columns a read selects and the row they make.
import type { StoredHeader } from './dead-letter-bytes';

/** A dead letter as read back. `payload` is null for a tombstone, and only the first bytes when incomplete. */
export interface DeadLetterRow {
  id: string;
  consumerGroup: string;
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (offsets exceed 2^53). */
  offset: string;
  key: Buffer | null;
  payload: Buffer | null;
  payloadSize: number;
  /** False when a list read only the payload's first bytes. */
  payloadComplete: boolean;
  headers: StoredHeader[];
  error: { kind: string; message: string; issues: { path: string; message: string }[] };
  eventType: string | null;
  orderId: string | null;
  deadLetteredAt: Date;
  redriveCount: number;
  lastRedrivenAt: Date | null;
  lastRedrivenBy: string | null;
}

/** Payloads up to this size are read whole in a list; bigger ones only their first PREVIEW_BYTES. */
export const LIST_FULL_PAYLOAD_BYTES = 64 * 1024;
const PREVIEW_BYTES = 16 * 1024;

const selectColumns = (payload: string) => `
  id, consumer_group, topic, partition, "offset"::text AS "offset", message_key, payload_null,
  octet_length(payload) AS payload_size, ${payload} AS payload, headers, error_kind, error_message, error_issues,
  event_type, order_id, dead_lettered_at, redrive_count, last_redriven_at, last_redriven_by`;

/** Every column, the payload whole. */
export const WHOLE_ROW = selectColumns('payload');
/** Every column, a big payload only its first PREVIEW_BYTES (for lists). */
export const PREVIEW_ROW = selectColumns(
  `CASE WHEN octet_length(payload) <= ${LIST_FULL_PAYLOAD_BYTES} THEN payload ELSE substring(payload FROM 1 FOR ${PREVIEW_BYTES}) END`,
);

/** A row as WHOLE_ROW or PREVIEW_ROW select it. */
export interface SelectedRow {
  id: string;
  consumer_group: string;
  topic: string;
  partition: number;
  offset: string;
  message_key: Buffer | null;
  payload_null: boolean;
  payload_size: number;
  payload: Buffer;
  headers: StoredHeader[];
  error_kind: string;
  error_message: string;
  error_issues: Array<{ path: string; message: string }>;
  event_type: string | null;
  order_id: string | null;
  dead_lettered_at: Date;
  redrive_count: number;
  last_redriven_at: Date | null;
  last_redriven_by: string | null;
}

export function deadLetterOf(r: SelectedRow): DeadLetterRow {
  return {
    id: r.id,
    consumerGroup: r.consumer_group,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.message_key,
    payload: r.payload_null ? null : r.payload,
    payloadSize: r.payload_size,
    payloadComplete: r.payload.length === r.payload_size,
    headers: r.headers,
    error: { kind: r.error_kind, message: r.error_message, issues: r.error_issues },
    eventType: r.event_type,
    orderId: r.order_id,
    deadLetteredAt: r.dead_lettered_at,
    redriveCount: r.redrive_count,
    lastRedrivenAt: r.last_redriven_at,
    lastRedrivenBy: r.last_redriven_by,
  };
}
