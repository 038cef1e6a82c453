// The JSON of a dead letter: the exact bytes as base64, and for people a text reading that never carries NUL.
import { type BytesView, bytesView, textPreview } from '../../store/dead-letter-bytes';
import type { DeadLetterRow } from '../../store/dead-letter.store';

/** Characters of the text reading of a payload; the bytes are in `base64`. */
export const PAYLOAD_TEXT_CHARS = 4_096;

export interface DeadLetterView {
  id: string;
  consumerGroup: string;
  source: { topic: string; partition: number; offset: string };
  key: BytesView | null;
  payload: {
    size: number;
    /** A tombstone: the record had no value at all. */
    null: boolean;
    /** The exact bytes; null in a list when the payload is too big (read the dead letter for them). */
    base64: string | null;
    text: string;
    textTruncated: boolean;
  };
  headers: Array<{ name: string; nameBase64: string | null; base64: string | null; utf8: string | null }>;
  error: { kind: string; message: string; issues: Array<{ path: string; message: string }> };
  eventType: string | null;
  orderId: string | null;
  deadLetteredAt: string;
  redriveCount: number;
  lastRedrivenAt: string | null;
  lastRedrivenBy: string | null;
}

export function deadLetterView(row: DeadLetterRow): DeadLetterView {
  const bytes = row.payload ?? Buffer.alloc(0);
  const preview = textPreview(bytes, PAYLOAD_TEXT_CHARS);
  return {
    id: row.id,
    consumerGroup: row.consumerGroup,
    source: { topic: row.topic, partition: row.partition, offset: row.offset },
    key: row.key === null ? null : bytesView(row.key),
    payload: {
      size: row.payloadSize,
      null: row.payload === null,
      base64: row.payloadComplete ? bytes.toString('base64') : null,
      text: preview.text,
      textTruncated: preview.truncated || !row.payloadComplete,
    },
    headers: row.headers.map((h) => {
      const value = h.base64 === null ? null : Buffer.from(h.base64, 'base64');
      return {
        name: h.name,
        nameBase64: h.nameBase64 ?? null,
        base64: h.base64,
        utf8: value === null ? null : bytesView(value).utf8,
      };
    }),
    error: row.error,
    eventType: row.eventType,
    orderId: row.orderId,
    deadLetteredAt: row.deadLetteredAt.toISOString(),
    redriveCount: row.redriveCount,
    lastRedrivenAt: row.lastRedrivenAt?.toISOString() ?? null,
    lastRedrivenBy: row.lastRedrivenBy,
  };
}
