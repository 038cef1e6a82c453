// Response schemas of the admin API (OpenAPI 3.0 components). They describe admin-views.ts and the
// services' answers; the e2e tests check real answers against the committed document.
import { RESOLUTION_OUTCOMES } from '../domain/resolution';
import { CANCELLATION_STATES } from './admin.schemas';
import { deadLetterSchemas } from './admin-openapi.dead-letter-schemas';
import { historySchemas } from './admin-openapi.history-schemas';
import { type Schema, bool, int, nullable, object, ref, str, time } from './admin-openapi.schema-parts';

const ids: Schema = { type: 'array', items: str };
const rule: Schema = { type: 'string', enum: ['no_shipments', 'single_shipment', 'multiple_shipments'] };

const shipment = {
  shipmentId: str,
  orderId: str,
  carrier: { type: 'string', enum: ['amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'] },
  carrierShipmentId: str,
  sellerAccount: str,
  businessId: nullable(str),
  marketplaceId: nullable(str),
  trackingId: nullable(str),
  labelCost: object({
    amount: { type: 'string', example: '8.45' },
    currency: { type: 'string', example: 'USD' },
  }),
  purchasedAt: time,
  cancelWindowEndsAt: nullable(time),
  status: { type: 'string', enum: ['active', 'cancelling', 'cancelled', 'cancel_failed'] },
};

const errorBody = {
  statusCode: int,
  error: { type: 'string', description: 'Stable code, e.g. validation_failed, order_already_cancelled.' },
  message: str,
  requestId: { type: 'string', description: 'The x-request-id of the request that got this answer first.' },
};

const cancellation = {
  id: { type: 'string', format: 'uuid' },
  cancellationRequestId: { type: 'string', format: 'uuid' },
  orderId: str,
  shipmentId: str,
  carrier: str,
  carrierShipmentId: str,
  sellerAccount: str,
  state: { type: 'string', enum: [...CANCELLATION_STATES] },
  outcome: { type: 'string', nullable: true, enum: ['voided', 'refund_pending', 'already_cancelled', null] },
  failureReason: nullable(str),
  requiresManualAction: bool,
  refundStatus: { type: 'string', enum: ['none', 'pending', 'applied', 'rejected'] },
  reshipEligible: bool,
  attemptCount: int,
  nextAttemptAt: {
    ...nullable(time),
    description: 'When the worker tries next (pending, unknown, refund_pending).',
  },
  lastCarrierAnswer: object({
    carrierRequestId: nullable(str),
    httpStatus: { type: 'integer', nullable: true },
    errorCode: nullable(str),
    errorMessage: nullable(str),
    errorDetails: nullable(str),
  }),
  createdAt: time,
  updatedAt: time,
  completedAt: nullable(time),
  request: object({
    trigger: { type: 'string', enum: ['order_event', 'admin'] },
    actor: str,
    reason: nullable(str),
  }),
};

export const adminResponseSchemas: Record<string, Schema> = {
  Error: {
    ...object(errorBody, 'Every non-2xx answer. Never holds a stack trace or an internal message.'),
    properties: {
      ...errorBody,
      details: {
        type: 'array',
        items: ref('FieldProblem'),
        description: '422: one entry per field at fault.',
      },
      conflict: {
        type: 'object',
        additionalProperties: { type: 'string', nullable: true },
        description: '409: the existing cancellation (ids, state, link).',
      },
    },
  },
  FieldProblem: object({
    location: { type: 'string', enum: ['body', 'path', 'query', 'header'] },
    path: str,
    message: str,
  }),
  Attempt: object({
    attempt: int,
    operation: { type: 'string', enum: ['cancel', 'status'] },
    outcome: str,
    httpStatus: { type: 'integer', nullable: true },
    carrierRequestId: nullable(str),
    errorCode: nullable(str),
    errorMessage: nullable(str),
    tries: int,
    elapsedMs: int,
    finishedAt: time,
  }),
  Shipment: object(shipment),
  Cancellation: {
    ...object(cancellation),
    properties: {
      ...cancellation,
      attempts: {
        type: 'array',
        items: ref('Attempt'),
        description: 'Every carrier exchange, oldest first.',
      },
      resolution: {
        ...object(
          {
            outcome: { type: 'string', enum: [...RESOLUTION_OUTCOMES] },
            by: { type: 'string', description: 'The API key id of the operator.' },
            reason: str,
            at: time,
          },
          'The latest resolution by an operator (one cancellation read, and the resolve answer); null if none.',
        ),
        nullable: true,
      },
    },
  },
  BulkRetry: object({
    dryRun: bool,
    limit: int,
    matched: { type: 'integer', description: 'Failed cancellations matching the filter.' },
    count: { type: 'integer', description: 'Retried (or, on a dry run, how many a call would retry).' },
    retried: {
      ...ids,
      description: 'The cancellations sent back to the worker, due now; none on a dry run.',
    },
  }),
  CancellationRequest: object({
    id: { type: 'string', format: 'uuid' },
    orderId: str,
    scope: { type: 'string', enum: ['order', 'shipment'] },
    trigger: { type: 'string', enum: ['order_event', 'admin'] },
    actor: str,
    reason: nullable(str),
    rule,
    shipmentCount: int,
    status: { type: 'string', enum: ['in_progress', 'completed'] },
    manualReshipEventId: nullable(str),
    causationId: str,
    correlationId: str,
    createdAt: time,
    completedAt: nullable(time),
    cancellations: { type: 'array', items: ref('Cancellation') },
  }),
  OrderCancellations: object({
    orderId: str,
    shipments: { type: 'array', items: ref('Shipment') },
    requests: { type: 'array', items: ref('CancellationRequest') },
    events: { type: 'array', items: ref('OrderEvent'), description: 'Oldest first.' },
    audit: { type: 'array', items: ref('AuditEntry'), description: 'Oldest first.' },
  }),
  CancellationPage: object({
    state: str,
    items: {
      type: 'array',
      items: ref('Cancellation'),
      description: 'Without `attempts`; read one cancellation for them.',
    },
    nextCursor: {
      ...nullable(str),
      description: 'Pass as `cursor` for the next page; null on the last page.',
    },
    total: { type: 'integer', description: 'Matching cancellations on all pages, counted up to 10,000.' },
    totalCapped: { type: 'boolean', description: 'true: more than `total` match.' },
  }),
  CancelAccepted: object(
    {
      cancellationRequestId: { type: 'string', format: 'uuid' },
      orderId: str,
      scope: { type: 'string', enum: ['order', 'shipment'] },
      shipmentId: nullable(str),
      trigger: { type: 'string', enum: ['admin'] },
      actor: { type: 'string', description: 'The API key id.' },
      reason: str,
      rule,
      shipmentCount: int,
      reshipAllowed: bool,
      manualReshipRequired: bool,
      cancellations: {
        type: 'array',
        items: object({ id: { type: 'string', format: 'uuid' }, shipmentId: str, state: str }),
        description: 'The shipment cancellations created, due now.',
      },
      links: object({ order: str }),
    },
    'The cancellation was recorded; the carrier worker takes it from here.',
  ),
  CancelPreview: object(
    {
      orderId: str,
      scope: { type: 'string', enum: ['order', 'shipment'] },
      shipmentId: nullable(str),
      rule,
      shipmentCount: {
        type: 'integer',
        description: 'Shipments created for the order, cancelled ones included.',
      },
      reshipAllowed: {
        type: 'boolean',
        description: 'A new label may be bought once the cancel succeeds (one shipment only).',
      },
      manualReshipRequired: bool,
      decision: { type: 'string', enum: ['would_cancel', 'nothing_to_cancel', 'conflict'] },
      conflict: {
        type: 'object',
        nullable: true,
        properties: { error: str, message: str, cancellationRequestId: nullable(str) },
        description: 'What a cancel would answer 409 with.',
      },
      wouldCancel: { ...ids, description: 'Shipments a cancel would send to the carrier now.' },
      cancellable: { ...ids, description: 'Active, not yet cancelled, within the cancel window.' },
      pastWindow: { ...ids, description: 'Active but past the window: the carrier is expected to refuse.' },
      beingCancelled: ids,
      alreadyCancelled: ids,
      cancelFailed: { ...ids, description: 'Failed earlier; see the retry endpoint.' },
      shipments: {
        type: 'array',
        items: {
          allOf: [
            ref('Shipment'),
            object({
              verdict: {
                type: 'string',
                enum: ['cancellable', 'past_window', 'being_cancelled', 'already_cancelled', 'cancel_failed'],
              },
              cancellationId: nullable(str),
              cancellationState: nullable(str),
            }),
          ],
        },
      },
    },
    'What a cancel would do now; the carrier is not called.',
  ),
  ...deadLetterSchemas,
  ...historySchemas,
};
