// Response schemas of the dead-letter routes (OpenAPI 3.0 components); they describe dead-letter-views.ts.
import { type Schema, bool, int, nullable, object, ref, str, time } from './admin-openapi.schema-parts';

const base64 = (what: string): Schema => ({ type: 'string', format: 'byte', description: what });
const bytes = object(
  {
    base64: base64('The exact bytes.'),
    utf8: {
      ...nullable(str),
      description: 'The bytes as text, when valid UTF-8 without control characters.',
    },
  },
  'Bytes: always base64, and as text where that is safe.',
);
const position = { topic: str, partition: int, offset: { type: 'string', description: 'A decimal string.' } };

const deadLetter = {
  id: { type: 'string', format: 'uuid' },
  consumerGroup: str,
  source: object(position, 'Where the message was read.'),
  key: { ...bytes, nullable: true, description: 'The Kafka key; null when the message had none.' },
  payload: object({
    size: { type: 'integer', description: 'Bytes.' },
    null: { type: 'boolean', description: 'The record had no value at all (a tombstone).' },
    base64: {
      ...base64('The exact bytes; null in a list for a payload over 64 KiB (read the dead letter for them).'),
      nullable: true,
    },
    text: {
      type: 'string',
      description: 'A reading for people: invalid UTF-8 and control characters as U+FFFD.',
    },
    textTruncated: {
      type: 'boolean',
      description: 'The text shows only the start (4,096 characters at most).',
    },
  }),
  headers: {
    type: 'array',
    description: 'Every Kafka header in the order received, a repeated name once per value.',
    items: object({
      name: str,
      nameBase64: {
        ...nullable(str),
        description: 'The name as bytes, when it has characters JSON text cannot keep.',
      },
      base64: { ...base64('The value.'), nullable: true },
      utf8: nullable(str),
    }),
  },
  error: object({
    kind: { type: 'string', example: 'not_json' },
    message: str,
    issues: { type: 'array', items: object({ path: str, message: str }) },
  }),
  eventType: nullable(str),
  orderId: nullable(str),
  deadLetteredAt: time,
  redriveCount: int,
  lastRedrivenAt: nullable(time),
  lastRedrivenBy: { ...nullable(str), description: 'The API key id of the last redrive.' },
};

const redriven = object({ deadLetterId: { type: 'string', format: 'uuid' }, ...position });

export const deadLetterSchemas: Record<string, Schema> = {
  DeadLetter: object(deadLetter, 'An input that could never be processed, kept with its original bytes.'),
  DeadLetterPage: object({
    items: { type: 'array', items: ref('DeadLetter') },
    nextCursor: {
      ...nullable(str),
      description: 'Pass as `cursor` for the next page; null on the last page.',
    },
  }),
  DeadLetterRedrive: object({
    deadLetterId: { type: 'string', format: 'uuid' },
    alreadyRedriven: {
      type: 'boolean',
      description: 'Nothing was sent: it had been redriven and `force` was not set.',
    },
    forced: { type: 'boolean', description: 'Sent again although it had been redriven before.' },
    published: {
      ...object({
        ...position,
        key: { ...bytes, nullable: true },
        payloadSize: int,
        headerCount: int,
      }),
      nullable: true,
      description: 'Where the message landed; null when nothing was sent.',
    },
    redriveCount: int,
    lastRedrivenAt: nullable(time),
    lastRedrivenBy: nullable(str),
  }),
  DeadLetterBulkRedrive: object({
    dryRun: bool,
    force: bool,
    limit: int,
    matched: { type: 'integer', description: 'Dead letters matching the filter.' },
    alreadyRedriven: { type: 'integer', description: 'Of those, redriven before (skipped unless `force`).' },
    count: { type: 'integer', description: 'Sent by this call (with `dryRun`: would be sent).' },
    more: { type: 'boolean', description: 'Matching dead letters are left for another call.' },
    redriven: { type: 'array', items: redriven, description: 'Each sent dead letter and where it landed.' },
    failure: {
      ...object({ error: str, message: str, notPublished: int }),
      nullable: true,
      description: 'A send failed part way: the ones after it were not sent and are not marked.',
    },
  }),
};
