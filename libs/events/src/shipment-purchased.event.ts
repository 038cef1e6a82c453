import { carrierApiSchema, mfnCarrierApis, type CarrierApi } from './carrier';
import {
  boundedDateTime,
  described,
  identifier,
  objectSchema,
  optional,
  schemaVersion1,
  when,
  type JsonSchema,
} from './json-schema';
import { moneySchema, type Money } from './money';

/** Input: a shipping label was bought for an order; feeds our projection of shipments per order. */
export interface ShipmentPurchased {
  schemaVersion: 1;
  orderId: string;
  shipmentId: string;
  carrier: CarrierApi;
  carrierShipmentId: string;
  /** Required for amazon-shipping-v2. */
  businessId?: string;
  /** Required for the Merchant Fulfillment APIs (amazon-mfn-mws, amazon-mfn-v0). */
  marketplaceId?: string;
  sellerAccount: string;
  trackingId?: string;
  carrierId?: string;
  labelCost: Money;
  purchasedAt: string;
  cancelWindowEndsAt?: string;
}

export const ShipmentPurchasedSchema: JsonSchema = objectSchema<ShipmentPurchased>(
  {
    schemaVersion: schemaVersion1,
    orderId: identifier,
    shipmentId: described('Our shipment id.', identifier),
    carrier: carrierApiSchema,
    carrierShipmentId: described('The shipment id at the carrier API (used to cancel).', identifier),
    businessId: optional(described('Required when carrier is amazon-shipping-v2.', identifier)),
    marketplaceId: optional(
      described('Required when carrier is amazon-mfn-mws or amazon-mfn-v0.', identifier),
    ),
    sellerAccount: identifier,
    trackingId: optional(identifier),
    carrierId: optional(identifier),
    labelCost: moneySchema,
    purchasedAt: boundedDateTime,
    cancelWindowEndsAt: optional(boundedDateTime),
  },
  {
    title: 'ShipmentPurchased',
    description: 'A shipping label was bought for an order.',
    rules: [
      // Shipping v2 cancels are addressed by business id; Merchant Fulfillment ones by marketplace.
      when('carrier', ['amazon-shipping-v2'], { required: ['businessId'] }),
      when('carrier', mfnCarrierApis, { required: ['marketplaceId'] }),
    ],
  },
);
