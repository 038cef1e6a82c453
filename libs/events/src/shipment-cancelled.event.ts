import {
  cancelledOutcomes,
  outputBaseShape,
  shipmentOutcomeShape,
  type CancelledOutcome,
  type OutputBase,
  type ShipmentOutcomeFields,
} from './cancellation';
import { carrierExchangeSchema, type CarrierExchange } from './carrier';
import {
  boundedDateTime,
  described,
  identifier,
  objectSchema,
  oneOfStrings,
  when,
  type JsonSchema,
} from './json-schema';
import { labelRefundSchema, type LabelRefund } from './money';

/** Output: the carrier voided a shipment (or had already voided it). */
export interface ShipmentCancelled extends OutputBase, ShipmentOutcomeFields {
  shipmentId: string;
  carrier: CarrierExchange;
  outcome: CancelledOutcome;
  /**
   * False only for refund_pending (MFN v0: the carrier is still deciding on the refund); then a later
   * ShipmentCancelled (voided, refund applied) or ShipmentCancellationFailed (refund_rejected) follows. A final
   * refund_pending (the MWS bridge) has refund.status unconfirmed: nothing follows.
   */
  final: boolean;
  /** True when the order had exactly one shipment: a new one may be bought. */
  reshipEligible: boolean;
  /** Deprecated: the label's cost (padded to two decimals) with the refund status; read labelCost and refund. */
  labelRefund: LabelRefund;
  requestedAt: string;
  cancelledAt: string;
}

export const ShipmentCancelledSchema: JsonSchema = objectSchema<ShipmentCancelled>(
  {
    ...outputBaseShape,
    shipmentId: identifier,
    carrier: carrierExchangeSchema,
    outcome: oneOfStrings(cancelledOutcomes),
    final: described(
      'False only with refund_pending, when a final ShipmentCancelled or ShipmentCancellationFailed follows.',
      { type: 'boolean' },
    ),
    reshipEligible: described('True when the order had exactly one shipment: a new one may be bought.', {
      type: 'boolean',
    }),
    labelRefund: described('Deprecated: read labelCost and refund.', labelRefundSchema),
    ...shipmentOutcomeShape,
    requestedAt: boundedDateTime,
    cancelledAt: boundedDateTime,
  },
  {
    title: 'ShipmentCancelled',
    description: 'A shipment was voided at the carrier (or had already been voided).',
    closed: true,
    rules: [
      // final: false is only for a refund still being decided; a refund_pending may itself be final when the
      // carrier API offers no way to follow the refund up.
      when('outcome', ['voided', 'already_cancelled'], { properties: { final: { const: true } } }),
      when('outcome', ['refund_pending'], {
        properties: { labelRefund: { type: 'object', properties: { status: { const: 'pending' } } } },
      }),
      // A refund still followed up is pending; one nobody can follow up (final) is unconfirmed.
      when('final', [false], {
        properties: { refund: { type: 'object', properties: { status: { const: 'pending' } } } },
      }),
      {
        if: {
          type: 'object',
          required: ['outcome', 'final'],
          properties: { outcome: { const: 'refund_pending' }, final: { const: true } },
        },
        then: {
          properties: { refund: { type: 'object', properties: { status: { const: 'unconfirmed' } } } },
        },
      },
    ],
  },
);
