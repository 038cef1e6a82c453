// The request schemas: validated at runtime (ajv) and published as they are in the OpenAPI document, so
// the two cannot disagree. Written in the JSON Schema subset OpenAPI 3.0 understands.
import type { CancellationState } from '../domain/cancellation';
import { RESOLUTION_OUTCOMES, type ResolutionOutcome } from '../domain/resolution';

export type JsonSchemaObject = Record<string, unknown>;

export const CANCELLATION_STATES: readonly CancellationState[] = [
  'pending',
  'in_flight',
  'unknown',
  'refund_pending',
  'voided',
  'already_cancelled',
  'failed',
];

/** A name or id: compared with text columns and kept in the audit log (jsonb), so no control characters. */
export const PRINTABLE_PATTERN = '^[^\\u0000-\\u001f\\u007f]+$';
/** Free text may hold any character but NUL (U+0000), which Postgres stores in neither text nor jsonb. */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';
/** Free text must not be blank. */
export const NOT_BLANK_PATTERN = '\\S';

/** A name or id of up to `maxLength` characters. */
export const printable = (what: string, maxLength = 200): JsonSchemaObject => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: PRINTABLE_PATTERN,
  description: what,
});
const uuid = (what: string): JsonSchemaObject => ({ type: 'string', format: 'uuid', description: what });

/** Every write says why: kept on the cancellation request, in the audit log and in the events' trail. */
export interface WriteBody {
  reason: string;
}

const reasonSchema: JsonSchemaObject = {
  type: 'string',
  minLength: 1,
  maxLength: 2000,
  pattern: NOT_BLANK_PATTERN,
  // A schema holds one pattern: the second goes in an allOf.
  allOf: [{ pattern: NO_NUL_PATTERN }],
  description: 'Why this is done; stored verbatim in the audit log and on the cancellation request.',
  example: 'customer called support: order placed twice (ticket 4711)',
};

export const writeBodySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: reasonSchema },
};

export interface OrderParams {
  orderId: string;
}
export const orderParamsSchema: JsonSchemaObject = {
  type: 'object',
  required: ['orderId'],
  properties: { orderId: printable('Our order id.') },
};

export interface ShipmentParams extends OrderParams {
  shipmentId: string;
}
export const shipmentParamsSchema: JsonSchemaObject = {
  type: 'object',
  required: ['orderId', 'shipmentId'],
  properties: {
    orderId: printable('Our order id.'),
    shipmentId: printable('Our shipment id (as in ShipmentPurchased).'),
  },
};

export interface CancellationParams {
  cancellationId: string;
}
export const cancellationParamsSchema: JsonSchemaObject = {
  type: 'object',
  required: ['cancellationId'],
  properties: { cancellationId: uuid('The id of one shipment cancellation.') },
};

/** Narrows a list of cancellations; every field given narrows further. */
export interface CancellationFilter {
  sellerAccount?: string;
  marketplaceId?: string;
  failureReason?: string;
  requiresManualAction?: boolean;
  updatedBefore?: string;
}

export interface ListQuery extends CancellationFilter {
  state: CancellationState;
  limit: number;
  cursor?: string;
}
export const listQuerySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['state'],
  properties: {
    state: {
      type: 'string',
      enum: [...CANCELLATION_STATES],
      description: 'Only cancellations in this state.',
    },
    sellerAccount: printable('Only cancellations of this seller account.'),
    marketplaceId: printable(
      "Only cancellations of shipments in this marketplace (the shipment's marketplaceId).",
    ),
    failureReason: printable('Only cancellations that failed for this reason, e.g. window_expired.'),
    requiresManualAction: {
      type: 'boolean',
      description: 'true: only those a person must act on; false: only those needing no one.',
    },
    updatedBefore: {
      type: 'string',
      format: 'date-time',
      description:
        'Only cancellations whose last change is older than this (RFC 3339): how long they have waited.',
    },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Page size.' },
    cursor: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Opaque: the `nextCursor` of the previous page.',
    },
  },
};

/** An operator's resolution of a cancellation the carrier could not settle. */
export interface ResolveBody extends WriteBody {
  outcome: ResolutionOutcome;
}
export const resolveBodySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'reason'],
  properties: {
    outcome: {
      type: 'string',
      enum: [...RESOLUTION_OUTCOMES],
      description:
        '`cancelled_elsewhere`: the label was voided in Seller Central (failed or unknown → voided); ' +
        '`refund_received`: the refund came (refund_pending → voided); `not_cancellable`: the label stays ' +
        '(failed, unknown or refund_pending → failed, no one needs to act).',
    },
    reason: reasonSchema,
  },
};

export const BULK_RETRY_MAX = 1_000;

/** Which failed cancellations to send back to the carrier; every field given narrows. */
export interface BulkRetryBody extends WriteBody {
  sellerAccount?: string;
  failureReason?: string;
  failedFrom?: string;
  failedTo?: string;
  limit: number;
  dryRun: boolean;
}
export const bulkRetryBodySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    sellerAccount: printable('Only cancellations of this seller account.'),
    failureReason: printable('Only cancellations that failed for this reason, e.g. window_expired.'),
    failedFrom: {
      type: 'string',
      format: 'date-time',
      description: 'Only those failed at or after (RFC 3339).',
    },
    failedTo: { type: 'string', format: 'date-time', description: 'Only those failed before (RFC 3339).' },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: BULK_RETRY_MAX,
      default: BULK_RETRY_MAX,
      description: 'The most to retry in one call, the longest failed first.',
    },
    dryRun: { type: 'boolean', default: false, description: 'Only count the matching cancellations.' },
    reason: reasonSchema,
  },
};
