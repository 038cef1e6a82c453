import {
  cancelledOutcomes,
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

/** Output: the order had several shipments, so it cannot be reshipped automatically (Merchant Fulfillment rule). */
export interface ManualReshipRequired extends OutputBase {
  reason: 'multiple_shipments';
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
      'The order had several shipments: each was cancelled where possible, but a new shipment cannot be ' +
      'bought through Merchant Fulfillment; a person must reship.',
    closed: true,
  },
);
