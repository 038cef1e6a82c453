import {
  boundedDateTime,
  described,
  freeText,
  identifier,
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
    orderId: identifier,
    marketplaceId: optional(identifier),
    reason: optional(freeText),
    cancelledAt: boundedDateTime,
    requestedBy: optional(described('Who cancelled the order on the platform.', identifier)),
  },
  {
    title: 'OrderCancelled',
    description:
      'An order was cancelled: every active shipment of the order is to be cancelled at the carrier.',
  },
);
