import {
  failureReasons,
  outputBaseShape,
  shipmentOutcomeShape,
  type FailureReason,
  type OutputBase,
  type ShipmentOutcomeFields,
} from './cancellation';
import { carrierExchangeSchema, type CarrierExchange } from './carrier';
import {
  boundedDateTime,
  described,
  identifier,
  nullableString,
  objectSchema,
  oneOfStrings,
  type JsonSchema,
} from './json-schema';
import { labelRefundSchema, type LabelRefund } from './money';

/** Output: the carrier refused a cancellation for good (or we gave up); the shipment stays active. */
export interface ShipmentCancellationFailed extends OutputBase, ShipmentOutcomeFields {
  shipmentId: string;
  carrier: CarrierExchange;
  reason: FailureReason;
  /** True when a person must act (e.g. cancel in Seller Central, fix credentials). */
  requiresManualAction: boolean;
  errorDetails: string | null;
  /** Deprecated: the label's cost (padded to two decimals) with the refund status; read labelCost and refund. */
  labelRefund: LabelRefund;
  reshipEligible: false;
  requestedAt: string;
  failedAt: string;
}

export const ShipmentCancellationFailedSchema: JsonSchema = objectSchema<ShipmentCancellationFailed>(
  {
    ...outputBaseShape,
    shipmentId: identifier,
    carrier: carrierExchangeSchema,
    reason: oneOfStrings(failureReasons),
    requiresManualAction: described('True when a person must act.', { type: 'boolean' }),
    errorDetails: nullableString,
    labelRefund: described('Deprecated: read labelCost and refund.', labelRefundSchema),
    ...shipmentOutcomeShape,
    reshipEligible: { type: 'boolean', const: false },
    requestedAt: boundedDateTime,
    failedAt: boundedDateTime,
  },
  {
    title: 'ShipmentCancellationFailed',
    description: 'The carrier refused to cancel a shipment for good, or every retry failed.',
    closed: true,
  },
);
