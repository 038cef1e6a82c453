// Shipments as the carrier sandbox reports them, and the ShipmentPurchased the platform would publish for
// one. Shared by the demo, the admin samples and the tests.
import type { ShipmentPurchased } from '@oms/events';

export interface SandboxShipment {
  api: ShipmentPurchased['carrier'];
  orderId: string;
  carrierShipmentId: string;
  businessId?: string;
  marketplaceId?: string;
  sellerAccount: string;
  status: string;
  trackingId?: string;
  carrierId?: string;
  labelCost: { amount: string; currency: string };
  purchasedAt: string;
  cancelWindowEndsAt: string;
  forceRefundResult?: string;
}

export function shipmentPurchasedFrom(s: SandboxShipment, shipmentId: string): ShipmentPurchased {
  return {
    schemaVersion: 1,
    orderId: s.orderId,
    shipmentId,
    carrier: s.api,
    carrierShipmentId: s.carrierShipmentId,
    ...(s.businessId ? { businessId: s.businessId } : {}),
    ...(s.marketplaceId ? { marketplaceId: s.marketplaceId } : {}),
    sellerAccount: s.sellerAccount,
    ...(s.trackingId ? { trackingId: s.trackingId } : {}),
    ...(s.carrierId ? { carrierId: s.carrierId } : {}),
    labelCost: s.labelCost,
    purchasedAt: s.purchasedAt,
    cancelWindowEndsAt: s.cancelWindowEndsAt,
  };
}
