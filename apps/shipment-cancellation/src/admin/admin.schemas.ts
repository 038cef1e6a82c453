// The request schemas: validated at runtime (ajv) and published as they are in the OpenAPI document, so
// the two cannot disagree. Written in the JSON Schema subset OpenAPI 3.0 understands.
import type { CancellationState } from '../domain/cancellation';

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

const id = (what: string): JsonSchemaObject => ({
  type: 'string',
  minLength: 1,
  maxLength: 200,
  description: what,
});
const uuid = (what: string): JsonSchemaObject => ({ type: 'string', format: 'uuid', description: what });

/** Every write says why: kept on the cancellation request, in the audit log and in the events' trail. */
export interface WriteBody {
  reason: string;
}

export const writeBodySchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: {
      type: 'string',
      minLength: 1,
      maxLength: 2000,
      pattern: '\\S',
      description: 'Why this is done; stored verbatim in the audit log and on the cancellation request.',
      example: 'customer called support: order placed twice (ticket 4711)',
    },
  },
};

export interface OrderParams {
  orderId: string;
}
export const orderParamsSchema: JsonSchemaObject = {
  type: 'object',
  required: ['orderId'],
  properties: { orderId: id('Our order id.') },
};

export interface ShipmentParams extends OrderParams {
  shipmentId: string;
}
export const shipmentParamsSchema: JsonSchemaObject = {
  type: 'object',
  required: ['orderId', 'shipmentId'],
  properties: { orderId: id('Our order id.'), shipmentId: id('Our shipment id (as in ShipmentPurchased).') },
};

export interface CancellationParams {
  cancellationId: string;
}
export const cancellationParamsSchema: JsonSchemaObject = {
  type: 'object',
  required: ['cancellationId'],
  properties: { cancellationId: uuid('The id of one shipment cancellation.') },
};

export interface ListQuery {
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
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Page size.' },
    cursor: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Opaque: the `nextCursor` of the previous page.',
    },
  },
};
