// Response schemas of the admin API (OpenAPI 3.0 components). They describe admin-views.ts and the
// services' answers; the e2e tests check real answers against the committed document.
import { CANCELLATION_STATES } from './admin.schemas';

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };
const nullableStr: Schema = { type: 'string', nullable: true };
const time: Schema = { type: 'string', format: 'date-time' };
const nullableTime: Schema = { type: 'string', format: 'date-time', nullable: true };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const ids: Schema = { type: 'array', items: str };
const rule: Schema = { type: 'string', enum: ['no_shipments', 'single_shipment', 'multiple_shipments'] };

function object(properties: Record<string, Schema>, description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(properties),
    properties,
  };
}

const shipment = {
  shipmentId: str,
  orderId: str,
  carrier: { type: 'string', enum: ['amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'] },
  carrierShipmentId: str,
  sellerAccount: str,
  businessId: nullableStr,
  marketplaceId: nullableStr,
  trackingId: nullableStr,
  labelCost: object({
    amount: { type: 'string', example: '8.45' },
    currency: { type: 'string', example: 'USD' },
  }),
  purchasedAt: time,
  cancelWindowEndsAt: nullableTime,
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
  failureReason: nullableStr,
  requiresManualAction: bool,
  refundStatus: { type: 'string', enum: ['none', 'pending', 'applied', 'rejected'] },
  reshipEligible: bool,
  attemptCount: int,
  nextAttemptAt: {
    ...nullableTime,
    description: 'When the worker tries next (pending, unknown, refund_pending).',
  },
  lastCarrierAnswer: object({
    carrierRequestId: nullableStr,
    httpStatus: { type: 'integer', nullable: true },
    errorCode: nullableStr,
    errorMessage: nullableStr,
    errorDetails: nullableStr,
  }),
  createdAt: time,
  updatedAt: time,
  completedAt: nullableTime,
  request: object({
    trigger: { type: 'string', enum: ['order_event', 'admin'] },
    actor: str,
    reason: nullableStr,
  }),
};

const base64 = (what: string): Schema => ({ type: 'string', format: 'byte', description: what });
const bytes = object(
  {
    base64: base64('The exact bytes.'),
    utf8: { ...nullableStr, description: 'The bytes as text, when valid UTF-8 without control characters.' },
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
        ...nullableStr,
        description: 'The name as bytes, when it has characters JSON text cannot keep.',
      },
      base64: { ...base64('The value.'), nullable: true },
      utf8: nullableStr,
    }),
  },
  error: object({
    kind: { type: 'string', example: 'not_json' },
    message: str,
    issues: { type: 'array', items: object({ path: str, message: str }) },
  }),
  eventType: nullableStr,
  orderId: nullableStr,
  deadLetteredAt: time,
  redriveCount: int,
  lastRedrivenAt: nullableTime,
  lastRedrivenBy: { ...nullableStr, description: 'The API key id of the last redrive.' },
};

const redriven = object({ deadLetterId: { type: 'string', format: 'uuid' }, ...position });

const deadLetterSchemas: Record<string, Schema> = {
  DeadLetter: object(deadLetter, 'An input that could never be processed, kept with its original bytes.'),
  DeadLetterPage: object({
    items: { type: 'array', items: ref('DeadLetter') },
    nextCursor: { ...nullableStr, description: 'Pass as `cursor` for the next page; null on the last page.' },
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
    lastRedrivenAt: nullableTime,
    lastRedrivenBy: nullableStr,
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
    carrierRequestId: nullableStr,
    errorCode: nullableStr,
    errorMessage: nullableStr,
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
    },
  },
  CancellationRequest: object({
    id: { type: 'string', format: 'uuid' },
    orderId: str,
    scope: { type: 'string', enum: ['order', 'shipment'] },
    trigger: { type: 'string', enum: ['order_event', 'admin'] },
    actor: str,
    reason: nullableStr,
    rule,
    shipmentCount: int,
    status: { type: 'string', enum: ['in_progress', 'completed'] },
    manualReshipEventId: nullableStr,
    causationId: str,
    correlationId: str,
    createdAt: time,
    completedAt: nullableTime,
    cancellations: { type: 'array', items: ref('Cancellation') },
  }),
  OrderCancellations: object({
    orderId: str,
    shipments: { type: 'array', items: ref('Shipment') },
    requests: { type: 'array', items: ref('CancellationRequest') },
  }),
  CancellationPage: object({
    state: str,
    items: {
      type: 'array',
      items: ref('Cancellation'),
      description: 'Without `attempts`; read one cancellation for them.',
    },
    nextCursor: { ...nullableStr, description: 'Pass as `cursor` for the next page; null on the last page.' },
  }),
  CancelAccepted: object(
    {
      cancellationRequestId: { type: 'string', format: 'uuid' },
      orderId: str,
      scope: { type: 'string', enum: ['order', 'shipment'] },
      shipmentId: nullableStr,
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
      shipmentId: nullableStr,
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
        properties: { error: str, message: str, cancellationRequestId: nullableStr },
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
              cancellationId: nullableStr,
              cancellationState: nullableStr,
            }),
          ],
        },
      },
    },
    'What a cancel would do now; the carrier is not called.',
  ),
  ...deadLetterSchemas,
};
