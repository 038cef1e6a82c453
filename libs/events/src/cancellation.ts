import {
  described,
  identifier,
  nullableString,
  oneOfStrings,
  optional,
  schemaVersion1,
  uuid,
  type JsonSchema,
  type Shape,
} from './json-schema';
import { labelCostSchema, refundSchema, type Money, type Refund } from './money';

/** What started a cancellation: an OrderCancelled event or an operator. */
export type CancelTrigger = 'order_event' | 'admin';

/** How a shipment ended up cancelled. */
export type CancelledOutcome = 'voided' | 'refund_pending' | 'already_cancelled';

/** Why a cancellation failed for good. */
export type FailureReason =
  | 'window_expired'
  | 'not_cancellable'
  | 'not_found'
  | 'unsupported_marketplace'
  | 'invalid_request'
  | 'refund_rejected'
  | 'credentials'
  | 'retries_exhausted';

export const cancelledOutcomes: readonly CancelledOutcome[] = [
  'voided',
  'refund_pending',
  'already_cancelled',
];

export const failureReasons: readonly FailureReason[] = [
  'window_expired',
  'not_cancellable',
  'not_found',
  'unsupported_marketplace',
  'invalid_request',
  'refund_rejected',
  'credentials',
  'retries_exhausted',
];

/** Fields every output carries. */
export interface OutputBase {
  schemaVersion: 1;
  orderId: string;
  /** UUID of our cancellation request. */
  cancellationId: string;
  trigger: CancelTrigger;
  /** Who asked: the input event's producer or the operator's name. */
  actor: string;
  /** Id of what caused this output: the input event id, or the admin request id. */
  causationId: string;
  correlationId: string;
}

export const outputBaseShape: Shape<OutputBase> = {
  schemaVersion: schemaVersion1,
  orderId: identifier,
  cancellationId: described('UUID of our cancellation request.', uuid),
  trigger: oneOfStrings(['order_event', 'admin']),
  actor: described('Who asked: the producer of the input event, or the operator.', identifier),
  causationId: described(
    'Id of what caused this event: the input event id or the admin request id.',
    identifier,
  ),
  correlationId: identifier,
};

/** Orders the events of one cancellation: 1 for its first event, +1 for each later one. */
export const sequenceSchema: JsonSchema = described(
  'Per cancellation: 1 for its first event, +1 for every later event about it. The highest is the newest.',
  { type: 'integer', minimum: 1 },
);

/** Why the cancellation was asked for: the OrderCancelled's reason or the operator's (null when none was given). */
export const cancelReasonSchema: JsonSchema = described(
  "The OrderCancelled's reason or the operator's reason; null when none was given.",
  nullableString,
);

/** What ShipmentCancelled and ShipmentCancellationFailed carry besides their own fields (added in 1.1). */
export interface ShipmentOutcomeFields {
  sellerAccount: string;
  /** null when the shipment has none. */
  marketplaceId: string | null;
  businessId: string | null;
  cancelReason: string | null;
  /** The label's cost in its currency's own precision (JPY "500", USD "8.45"). */
  labelCost: Money;
  refund: Refund;
  sequence: number;
  /** The id of this cancellation's earlier final event that this one overturns (after an operator's retry). */
  supersedes?: string;
}

export const shipmentOutcomeShape: Shape<ShipmentOutcomeFields> = {
  sellerAccount: described('The seller account the shipment was bought under.', identifier),
  marketplaceId: described('The marketplace of the shipment; null when it has none.', nullableString),
  businessId: described('The business of the shipment; null when it has none.', nullableString),
  cancelReason: cancelReasonSchema,
  labelCost: labelCostSchema,
  refund: refundSchema,
  sequence: sequenceSchema,
  supersedes: optional(
    described("The id of this cancellation's earlier final event that this one overturns.", uuid),
  ),
};
