import { described, identifier, oneOfStrings, schemaVersion1, uuid, type Shape } from './json-schema';

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
