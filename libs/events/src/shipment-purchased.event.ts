import { carrierApiSchema, mfnCarrierApis, type CarrierApi } from './carrier';
import {
  dateTime,
  described,
  nonEmptyString,
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
    orderId: nonEmptyString,
    shipmentId: described('Our shipment id.', nonEmptyString),
    carrier: carrierApiSchema,
    carrierShipmentId: described('The shipment id at the carrier API (used to cancel).', nonEmptyString),
    businessId: optional(described('Required when carrier is amazon-shipping-v2.', nonEmptyString)),
    marketplaceId: optional(
      described('Required when carrier is amazon-mfn-mws or amazon-mfn-v0.', nonEmptyString),
    ),
    sellerAccount: nonEmptyString,
    trackingId: optional(nonEmptyString),
    carrierId: optional(nonEmptyString),
    labelCost: moneySchema,
    purchasedAt: dateTime,
    cancelWindowEndsAt: optional(dateTime),
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
