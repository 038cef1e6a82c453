// The dead-letter routes' request schemas, validated at runtime and published as they are (see admin.schemas.ts).
import { type JsonSchemaObject, printable, type WriteBody, writeBodySchema } from '../admin.schemas';

export const BULK_REDRIVE_MAX = 1_000;

export interface DeadLetterParams {
  deadLetterId: string;
}
export const deadLetterParamsSchema: JsonSchemaObject = {
  type: 'object',
  required: ['deadLetterId'],
  properties: { deadLetterId: { type: 'string', format: 'uuid', description: 'The id of one dead letter.' } },
};

/** Which dead letters; every field narrows. */
export interface DeadLetterFilterFields {
  topic?: string;
  errorKind?: string;
  orderId?: string;
  since?: string;
  until?: string;
  redriven?: boolean;
}

const filterProperties: Record<string, JsonSchemaObject> = {
  topic: printable('Only dead letters from this Kafka topic.', 249),
  errorKind: printable('Only dead letters with this error kind, e.g. not_json or schema_invalid.', 200),
  orderId: printable('Only dead letters of this order (when the message named one).', 200),
  since: {
    type: 'string',
    format: 'date-time',
    description: 'Only dead letters recorded at or after this time (RFC 3339).',
  },
  until: {
    type: 'string',
    format: 'date-time',
    description: 'Only dead letters recorded before this time (RFC 3339).',
  },
  redriven: {
    type: 'boolean',
    description: 'true: only those redriven at least once; false: only those never redriven.',
  },
};

export interface DeadLetterListQuery extends DeadLetterFilterFields {
  limit: number;
  cursor?: string;
}
export const deadLetterListQuerySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...filterProperties,
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Page size.' },
    cursor: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Opaque: the `nextCursor` of the previous page.',
    },
  },
};

const reason = (writeBodySchema['properties'] as Record<string, JsonSchemaObject>)[
  'reason'
] as JsonSchemaObject;
const force: JsonSchemaObject = {
  type: 'boolean',
  default: false,
  description: 'Send again even when it was redriven before (without it, a redriven dead letter is skipped).',
};

export interface RedriveBody extends WriteBody {
  force: boolean;
}
export const redriveBodySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason, force },
};

export interface BulkRedriveBody extends WriteBody, DeadLetterFilterFields {
  force: boolean;
  dryRun: boolean;
  limit: number;
}
export const bulkRedriveBodySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason,
    ...filterProperties,
    force,
    dryRun: {
      type: 'boolean',
      default: false,
      description: 'Only count what would be redriven; nothing is sent or changed.',
    },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: BULK_REDRIVE_MAX,
      default: BULK_REDRIVE_MAX,
      description: 'At most this many are sent by one call, oldest first; `more` says whether some are left.',
    },
  },
};
