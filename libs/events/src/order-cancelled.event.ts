import {
  dateTime,
  described,
  nonEmptyString,
  objectSchema,
  optional,
  schemaVersion1,
  type JsonSchema,
} from './json-schema';

/** Input: the platform cancelled an order. */
export interface OrderCancelled {
  schemaVersion: 1;
  orderId: string;
  marketplaceId?: string;
  reason?: string;
  cancelledAt: string;
  requestedBy?: string;
}

export const OrderCancelledSchema: JsonSchema = objectSchema<OrderCancelled>(
  {
    schemaVersion: schemaVersion1,
    orderId: nonEmptyString,
    marketplaceId: optional(nonEmptyString),
    reason: optional({ type: 'string' }),
    cancelledAt: dateTime,
    requestedBy: optional(described('Who cancelled the order on the platform.', nonEmptyString)),
  },
  {
    title: 'OrderCancelled',
    description:
      'An order was cancelled: every active shipment of the order is to be cancelled at the carrier.',
  },
);
