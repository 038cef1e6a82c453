import { isUtf8 } from 'node:buffer';
import {
  dateTime,
  described,
  nonEmptyString,
  nullableString,
  objectSchema,
  oneOfStrings,
  schemaVersion1,
  type JsonSchema,
} from './json-schema';
import type { DecodeErrorKind, ValidationIssue } from './validation';

/** Output: an input message that can never be processed, with its original bytes and the reason. */
export interface DeadLetterRecord {
  schemaVersion: 1;
  consumerGroup: string;
  source: DeadLetterSource;
  /** UTF-8 where valid, else 'base64:' + base64. */
  headers: Record<string, string>;
  /** The original bytes, and the text when it is valid UTF-8. */
  payload: { base64: string; utf8: string | null };
  error: { kind: DecodeErrorKind; message: string; issues: ValidationIssue[] };
  deadLetteredAt: string;
}

/** Where the message came from. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (offsets exceed 2^53). */
  offset: string;
  /** UTF-8 key (the order id), 'base64:' + base64 when not UTF-8, null when absent. */
  key: string | null;
  /** The Kafka message timestamp, RFC 3339. */
  timestamp: string;
}

const sourceSchema = objectSchema<DeadLetterSource>(
  {
    topic: nonEmptyString,
    partition: { type: 'integer', minimum: 0 },
    offset: described('Kafka offset as a decimal string.', { type: 'string', pattern: '^\\d+$' }),
    key: nullableString,
    timestamp: described('The Kafka message timestamp, RFC 3339.', dateTime),
  },
  { closed: true },
);

export const DeadLetterRecordSchema: JsonSchema = objectSchema<DeadLetterRecord>(
  {
    schemaVersion: schemaVersion1,
    consumerGroup: nonEmptyString,
    source: sourceSchema,
    headers: described("Kafka headers: UTF-8 where valid, else 'base64:' + base64.", {
      type: 'object',
      additionalProperties: { type: 'string' },
    }),
    payload: objectSchema<DeadLetterRecord['payload']>(
      {
        base64: described('The original message bytes.', {
          type: 'string',
          pattern: '^[A-Za-z0-9+/]*={0,2}$',
        }),
        utf8: described('The original message as text, null when it is not valid UTF-8.', nullableString),
      },
      { closed: true },
    ),
    error: objectSchema<DeadLetterRecord['error']>(
      {
        kind: oneOfStrings(['not_json', 'invalid_envelope', 'unknown_type', 'schema_invalid']),
        message: nonEmptyString,
        issues: {
          type: 'array',
          items: objectSchema<ValidationIssue>(
            { path: { type: 'string' }, message: nonEmptyString },
            { closed: true },
          ),
        },
      },
      { closed: true },
    ),
    deadLetteredAt: dateTime,
  },
  {
    title: 'DeadLetterRecord',
    description:
      'An input message that can never be processed (not JSON, invalid), kept with its bytes and reason.',
    closed: true,
  },
);

type Bytes = Buffer | Uint8Array | string;

/** A consumed Kafka message, as any client gives it (kafkajs: `{ key, value, headers, timestamp }`). */
export interface DeadLetterMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Bytes | null | undefined;
  value: Bytes | null | undefined;
  /** Epoch milliseconds as a string (Kafka's form), an RFC 3339 string, or a Date. */
  timestamp: string | Date;
  headers?: Record<string, Bytes | Bytes[] | undefined>;
}

/** Why the message was rejected: a failed decode result fits. */
export interface DeadLetterReason {
  kind: DecodeErrorKind;
  message: string;
  issues: ValidationIssue[];
}

/** Builds the dead-letter record for a message that failed to decode (bytes and headers encoded losslessly). */
export function createDeadLetterRecord(
  consumerGroup: string,
  message: DeadLetterMessage,
  reason: DeadLetterReason,
  deadLetteredAt: Date = new Date(),
): DeadLetterRecord {
  const value = toBuffer(message.value ?? '');
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    if (raw === undefined) continue;
    // Kafka allows a repeated header name; a record has one string per name, so values are joined.
    headers[name] = (Array.isArray(raw) ? raw : [raw]).map(textOrBase64).join(', ');
  }
  return {
    schemaVersion: 1,
    consumerGroup,
    source: {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key === null || message.key === undefined ? null : textOrBase64(message.key),
      timestamp: kafkaTimestamp(message.timestamp),
    },
    headers,
    payload: { base64: value.toString('base64'), utf8: isUtf8(value) ? value.toString('utf8') : null },
    error: { kind: reason.kind, message: reason.message, issues: reason.issues },
    deadLetteredAt: deadLetteredAt.toISOString(),
  };
}

function toBuffer(bytes: Bytes): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function textOrBase64(bytes: Bytes): string {
  const buffer = toBuffer(bytes);
  return isUtf8(buffer) ? buffer.toString('utf8') : `base64:${buffer.toString('base64')}`;
}

function kafkaTimestamp(timestamp: string | Date): string {
  if (timestamp instanceof Date) return timestamp.toISOString();
  return /^\d+$/.test(timestamp) ? new Date(Number(timestamp)).toISOString() : timestamp;
}
