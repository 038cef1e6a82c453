import {
  cancelReasonSchema,
  cancelledOutcomes,
  sequenceSchema,
  failureReasons,
  outputBaseShape,
  type CancelledOutcome,
  type FailureReason,
  type OutputBase,
} from './cancellation';
import { carrierApiSchema, type CarrierApi } from './carrier';
import {
  boundedDateTime,
  described,
  identifier,
  nonEmptyString,
  objectSchema,
  oneOfStrings,
  optional,
  when,
  type JsonSchema,
} from './json-schema';

export type ReshipShipmentOutcome = CancelledOutcome | 'failed' | 'skipped_already_inactive';

/** One shipment of an order that needs a manual reship, and what happened to it. */
export interface ReshipShipment {
  shipmentId: string;
  carrierShipmentId: string;
  carrier: CarrierApi;
  outcome: ReshipShipmentOutcome;
  /** Present when outcome is failed. */
  failureReason?: FailureReason;
}

/**
 * Output: the order had several shipments, so it is not reshipped automatically. The rule comes from Merchant
 * Fulfillment (no new label for an order it cancelled) and is applied to every carrier API alike.
 */
export interface ManualReshipRequired extends OutputBase {
  reason: 'multiple_shipments';
  /** Why the order was cancelled: the OrderCancelled's or the operator's reason, or null. */
  cancelReason: string | null;
  /** Always 1: a request has one such event. */
  sequence: number;
  shipmentCount: number;
  shipments: ReshipShipment[];
  message: string;
  requiredAt: string;
}

const reshipShipmentSchema = objectSchema<ReshipShipment>(
  {
    shipmentId: identifier,
    carrierShipmentId: identifier,
    carrier: carrierApiSchema,
    outcome: oneOfStrings([...cancelledOutcomes, 'failed', 'skipped_already_inactive']),
    failureReason: optional(oneOfStrings(failureReasons)),
  },
  { closed: true, rules: [when('outcome', ['failed'], { required: ['failureReason'] })] },
);

export const ManualReshipRequiredSchema: JsonSchema = objectSchema<ManualReshipRequired>(
  {
    ...outputBaseShape,
    reason: { type: 'string', const: 'multiple_shipments' },
    cancelReason: cancelReasonSchema,
    sequence: sequenceSchema,
    shipmentCount: described('Shipments created for the order, cancelled ones included.', {
      type: 'integer',
      minimum: 2,
    }),
    shipments: described('Every shipment created for the order, with its outcome.', {
      type: 'array',
      minItems: 2,
      items: reshipShipmentSchema,
    }),
    message: nonEmptyString,
    requiredAt: boundedDateTime,
  },
  {
    title: 'ManualReshipRequired',
    description:
      'The order had several shipments: each was cancelled where possible, and a person must arrange the new ' +
      'shipment (a Merchant Fulfillment rule, applied to every carrier API alike).',
    closed: true,
  },
);
