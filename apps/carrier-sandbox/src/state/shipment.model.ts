// The sandbox's view of a purchased shipment, shared by the three emulated Amazon APIs.

export const SANDBOX_APIS = ['amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'] as const;
export type SandboxApi = (typeof SANDBOX_APIS)[number];

// Shipping v2 businesses, as the model's x-amzn-shipping-business-id enum lists them.
export const SHIPPING_BUSINESS_IDS = [
  'AmazonShipping_US',
  'AmazonShipping_IN',
  'AmazonShipping_UK',
  'AmazonShipping_UAE',
  'AmazonShipping_SA',
  'AmazonShipping_EG',
  'AmazonShipping_IT',
  'AmazonShipping_ES',
  'AmazonShipping_FR',
  'AmazonShipping_JP',
] as const;
export type ShippingBusinessId = (typeof SHIPPING_BUSINESS_IDS)[number];

export const MARKETPLACES = {
  A1AM78C64UM0Y8: { country: 'MX', currency: 'MXN' },
  ATVPDKIKX0DER: { country: 'US', currency: 'USD' },
  A1PA6795UKMFR9: { country: 'DE', currency: 'EUR' },
  A1F83G8C2ARO7P: { country: 'GB', currency: 'GBP' },
  A13V1IB3VIYZZH: { country: 'FR', currency: 'EUR' },
  APJ6JRA9NG5V4: { country: 'IT', currency: 'EUR' },
  A1RKKUPIHCS9HS: { country: 'ES', currency: 'EUR' },
  A2EUQ1WTGCTBG2: { country: 'CA', currency: 'CAD' },
} as const satisfies Record<string, { country: string; currency: string }>;

// Seed 001: MWS CancelShipment "is only available in the Mexico, US, Germany, and UK marketplaces".
export const MWS_CANCEL_MARKETPLACES: ReadonlySet<string> = new Set([
  'A1AM78C64UM0Y8',
  'ATVPDKIKX0DER',
  'A1PA6795UKMFR9',
  'A1F83G8C2ARO7P',
]);

/** v2 voids at once ("Voided"); MFN moves Purchased → RefundPending → RefundApplied | RefundRejected. */
export const SHIPMENT_STATUSES = [
  'Purchased',
  'Voided',
  'RefundPending',
  'RefundApplied',
  'RefundRejected',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];
export type RefundResult = 'RefundApplied' | 'RefundRejected';

export interface Money {
  /** Decimal string, never a float: money crosses the sandbox unchanged. */
  amount: string;
  currency: string;
}

export type HistoryEntry =
  | { at: number; kind: 'seeded'; status: ShipmentStatus }
  | {
      at: number;
      kind: 'request';
      endpoint: string;
      requestId: string;
      /** HTTP status sent, or what happened instead of an answer. */
      outcome: number | 'timeout' | 'dropped';
      /** For a dropped answer: the status the caller never saw. */
      unsentStatus?: number;
      fault?: string;
    }
  | { at: number; kind: 'state'; from: ShipmentStatus; to: ShipmentStatus; reason: string };

export interface Shipment {
  carrierShipmentId: string;
  api: SandboxApi;
  orderId: string;
  amazonOrderId: string;
  businessId?: ShippingBusinessId;
  marketplaceId?: string;
  sellerAccount: string;
  status: ShipmentStatus;
  purchasedAt: number;
  cancelWindowEndsAt: number;
  trackingId: string;
  carrierId?: string;
  labelCost: Money;
  lastUpdatedAt: number;
  cancelledAt?: number;
  /** Decided when the MFN cancel is accepted; applied lazily once `at` has passed. */
  pendingRefund?: { result: RefundResult; at: number; reason: string };
  forceRefundResult?: RefundResult;
  history: HistoryEntry[];
}

export function isCancelled(status: ShipmentStatus): boolean {
  return status !== 'Purchased';
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
