import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  dateTime,
  described,
  nonEmptyString,
  nullableString,
  objectSchema,
  oneOfStrings,
  optional,
  schemaVersion1,
  uuid,
  type JsonSchema,
} from './json-schema';
import type { DecodeErrorKind, ValidationIssue } from './validation';

/** Output: an input message that can never be processed, with its original bytes and the reason. */
export interface DeadLetterRecord {
  schemaVersion: 1;
  consumerGroup: string;
  source: DeadLetterSource;
  /** Text where it is valid UTF-8 without NUL, else 'base64:' + base64. */
  headers: Record<string, string>;
  payload: DeadLetterPayload;
  error: { kind: DeadLetterErrorKind; message: string; issues: ValidationIssue[] };
  deadLetteredAt: string;
  /** The dead letter's id in the service's store, which keeps the original bytes and can redrive them. */
  deadLetterId?: string;
  /** True when the record left out bytes (payload or headers) to stay publishable; the store has them all. */
  truncated?: boolean;
}

/** The original value: its bytes (unless too large to publish), a text view, its size and digest. */
export interface DeadLetterPayload {
  /** The original bytes; null when they are too large for the record (the service's store keeps them). */
  base64: string | null;
  /** The text when it is valid UTF-8, NUL shown as U+FFFD; null when not UTF-8 or too large. */
  utf8: string | null;
  /** Size of the original value in bytes. */
  bytes?: number;
  /** SHA-256 of the original value, hex. */
  sha256?: string;
}

/** Why the message was refused: it failed to decode, or the database refused what it holds. */
export type DeadLetterErrorKind = DecodeErrorKind | 'store_rejected';

/** Where the message came from. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (offsets exceed 2^53). */
  offset: string;
  /** UTF-8 key (the order id), 'base64:' + base64 when not UTF-8, null when absent. */
  key: string | null;
  /** The Kafka message timestamp, RFC 3339; null when it is not a date (a producer may send any number). */
  timestamp: string | null;
}

const sourceSchema = objectSchema<DeadLetterSource>(
  {
    topic: nonEmptyString,
    partition: { type: 'integer', minimum: 0 },
    offset: described('Kafka offset as a decimal string.', { type: 'string', pattern: '^\\d+$' }),
    key: nullableString,
    timestamp: described('The Kafka message timestamp, RFC 3339; null when it is not a date.', {
      ...dateTime,
      type: ['string', 'null'],
    }),
  },
  { closed: true },
);

export const DeadLetterRecordSchema: JsonSchema = objectSchema<DeadLetterRecord>(
  {
    schemaVersion: schemaVersion1,
    consumerGroup: nonEmptyString,
    source: sourceSchema,
    headers: described("Kafka headers: text where valid UTF-8 without NUL, else 'base64:' + base64.", {
      type: 'object',
      additionalProperties: { type: 'string' },
    }),
    payload: objectSchema<DeadLetterPayload>(
      {
        base64: described(
          'The original message bytes; null when too large for the record (the service keeps them).',
          { type: ['string', 'null'], pattern: '^[A-Za-z0-9+/]*={0,2}$' },
        ),
        utf8: described(
          'The original message as text (NUL shown as U+FFFD); null when not valid UTF-8 or too large.',
          nullableString,
        ),
        bytes: optional(described('Size of the original value in bytes.', { type: 'integer', minimum: 0 })),
        sha256: optional(
          described('SHA-256 of the original value, hex.', { type: 'string', pattern: '^[0-9a-f]{64}$' }),
        ),
      },
      { closed: true },
    ),
    error: objectSchema<DeadLetterRecord['error']>(
      {
        kind: oneOfStrings([
          'not_json',
          'invalid_envelope',
          'unknown_type',
          'schema_invalid',
          'store_rejected',
        ]),
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
    deadLetterId: optional(described("The dead letter's id in the service's store (for redrive).", uuid)),
    truncated: optional(
      described('True when bytes were left out to keep the record publishable.', { type: 'boolean' }),
    ),
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
  kind: DeadLetterErrorKind;
  message: string;
  issues: ValidationIssue[];
}

/** Most bytes a record may take as JSON: well under Kafka's default 1 MiB message limit. */
export const DEAD_LETTER_RECORD_BUDGET = 700 * 1024;
/** The text view is left out above this size (the bytes say it all). */
const TEXT_VIEW_LIMIT = 64 * 1024;

/**
 * Builds the dead-letter record of a message that can never be processed. Whatever the message holds, the
 * record is storable (no NUL in any string, which Postgres refuses in text and jsonb) and publishable (at most
 * DEAD_LETTER_RECORD_BUDGET as JSON: larger payloads and headers are left out and `truncated` says so).
 */
export function createDeadLetterRecord(
  consumerGroup: string,
  message: DeadLetterMessage,
  reason: DeadLetterReason,
  deadLetteredAt: Date = new Date(),
  deadLetterId?: string,
): DeadLetterRecord {
  const value = toBuffer(message.value ?? '');
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    if (raw === undefined) continue;
    // Kafka allows a repeated header name; a record has one string per name, so values are joined.
    headers[safeText(name)] = (Array.isArray(raw) ? raw : [raw]).map(textOrBase64).join(', ');
  }
  const record: DeadLetterRecord = {
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
    payload: {
      base64: value.toString('base64'),
      utf8: value.length <= TEXT_VIEW_LIMIT && isUtf8(value) ? safeText(value.toString('utf8')) : null,
      bytes: value.length,
      sha256: createHash('sha256').update(value).digest('hex'),
    },
    error: {
      kind: reason.kind,
      message: safeText(reason.message) || 'rejected',
      issues: reason.issues.map((i) => ({
        path: safeText(i.path),
        message: safeText(i.message) || 'invalid',
      })),
    },
    deadLetteredAt: deadLetteredAt.toISOString(),
    ...(deadLetterId ? { deadLetterId } : {}),
  };
  return withinBudget(record);
}

// Leaves out, in this order, the text view, the headers' values, the key and the bytes until the record fits.
function withinBudget(record: DeadLetterRecord): DeadLetterRecord {
  const size = (): number => Buffer.byteLength(JSON.stringify(record));
  if (size() <= DEAD_LETTER_RECORD_BUDGET) return record;
  record.truncated = true;
  record.payload.utf8 = null;
  if (size() <= DEAD_LETTER_RECORD_BUDGET) return record;
  for (const [name, value] of Object.entries(record.headers)) {
    if (value.length > 256) record.headers[name] = `(left out: ${value.length} characters)`;
  }
  const key = record.source.key;
  if (key !== null && key.length > 256) record.source.key = `(left out: ${key.length} characters)`;
  if (size() <= DEAD_LETTER_RECORD_BUDGET) return record;
  record.payload.base64 = null;
  if (size() <= DEAD_LETTER_RECORD_BUDGET) return record;
  // Only many small headers can still be too much: keep their names.
  for (const name of Object.keys(record.headers)) record.headers[name] = '(left out)';
  return record;
}

function toBuffer(bytes: Bytes): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text a database can store: NUL (refused in text and jsonb) and lone surrogates (refused in jsonb, and they
 * can come from a JSON escape such as a property named "\ud800") become U+FFFD.
 */
export function safeText(text: string): string {
  return text.replaceAll('\u0000', '\ufffd').replace(LONE_SURROGATE, '\ufffd');
}

function textOrBase64(bytes: Bytes): string {
  const buffer = toBuffer(bytes);
  return isUtf8(buffer) && !buffer.includes(0)
    ? buffer.toString('utf8')
    : `base64:${buffer.toString('base64')}`;
}

function kafkaTimestamp(timestamp: string | Date): string | null {
  const date =
    timestamp instanceof Date
      ? timestamp
      : new Date(/^-?\d+$/.test(timestamp) ? Number(timestamp) : timestamp);
  return Number.isNaN(date.getTime()) || date.getTime() < 0 ? null : date.toISOString();
}
