import { randomInt, randomUUID } from 'node:crypto';
import {
  asObject,
  InputError,
  JsonObject,
  oneOf,
  optionalIsoTime,
  optionalString,
  requiredString,
} from '../control/control-input';
import {
  MARKETPLACES,
  Money,
  RefundResult,
  SANDBOX_APIS,
  SandboxApi,
  Shipment,
  SHIPMENT_STATUSES,
  ShipmentStatus,
  SHIPPING_BUSINESS_IDS,
  ShippingBusinessId,
} from './shipment.model';

// Matches the pattern the Merchant Fulfillment v0 model puts on shipmentId.
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const AMOUNT_PATTERN = /^\d{1,9}(\.\d{1,4})?$/;
const DEFAULT_WINDOW_MS = 24 * 3600_000;

/** The body of POST /__sandbox/shipments (one of these, or an array of them). */
export interface SeedShipmentInput {
  api: SandboxApi;
  orderId: string;
  sellerAccount: string;
  businessId?: ShippingBusinessId;
  marketplaceId?: string;
  carrierShipmentId?: string;
  amazonOrderId?: string;
  status?: ShipmentStatus;
  purchasedAt?: string;
  cancelWindowEndsAt?: string;
  trackingId?: string;
  carrierId?: string;
  labelCost?: Money;
  forceRefundResult?: RefundResult;
}

const BUSINESS_CURRENCY: Record<ShippingBusinessId, string> = {
  AmazonShipping_US: 'USD',
  AmazonShipping_IN: 'INR',
  AmazonShipping_UK: 'GBP',
  AmazonShipping_UAE: 'AED',
  AmazonShipping_SA: 'SAR',
  AmazonShipping_EG: 'EGP',
  AmazonShipping_IT: 'EUR',
  AmazonShipping_ES: 'EUR',
  AmazonShipping_FR: 'EUR',
  AmazonShipping_JP: 'JPY',
};

const V2_STATUSES: readonly ShipmentStatus[] = ['Purchased', 'Voided'];
const MFN_STATUSES: readonly ShipmentStatus[] = [
  'Purchased',
  'RefundPending',
  'RefundApplied',
  'RefundRejected',
];

/** Validates one seed item and fills the defaults; `isTaken` keeps generated ids unique. */
export function parseSeedShipment(
  input: unknown,
  path: string,
  now: number,
  isTaken: (id: string) => boolean,
): Shipment {
  const obj = asObject(input, path);
  const api = oneOf(obj['api'], SANDBOX_APIS, `${path}.api`);
  const orderId = requiredString(obj, 'orderId', path);
  const sellerAccount = requiredString(obj, 'sellerAccount', path);
  const status = readStatus(obj, api, path);

  let businessId: ShippingBusinessId | undefined;
  let marketplaceId: string | undefined;
  let currency: string;
  if (api === 'amazon-shipping-v2') {
    businessId = oneOf(obj['businessId'], SHIPPING_BUSINESS_IDS, `${path}.businessId`);
    currency = BUSINESS_CURRENCY[businessId];
  } else {
    marketplaceId = requiredString(obj, 'marketplaceId', path);
    currency = MARKETPLACES[marketplaceId as keyof typeof MARKETPLACES]?.currency ?? 'USD';
  }

  const carrierShipmentId = optionalString(obj, 'carrierShipmentId', path) ?? newShipmentId(api, isTaken);
  if (api === 'amazon-mfn-v0' && !UUID_PATTERN.test(carrierShipmentId)) {
    throw new InputError(`${path}.carrierShipmentId must be a UUID for amazon-mfn-v0 (the model's pattern)`);
  }
  const purchasedAt = optionalIsoTime(obj, 'purchasedAt', path) ?? now;
  const cancelWindowEndsAt =
    optionalIsoTime(obj, 'cancelWindowEndsAt', path) ?? purchasedAt + DEFAULT_WINDOW_MS;
  const forceRefundResult =
    obj['forceRefundResult'] === undefined || obj['forceRefundResult'] === null
      ? undefined
      : oneOf(
          obj['forceRefundResult'],
          ['RefundApplied', 'RefundRejected'] as const,
          `${path}.forceRefundResult`,
        );
  if (forceRefundResult !== undefined && api === 'amazon-shipping-v2') {
    throw new InputError(`${path}.forceRefundResult only applies to MFN shipments`);
  }

  const shipment: Shipment = {
    carrierShipmentId,
    api,
    orderId,
    amazonOrderId: optionalString(obj, 'amazonOrderId', path) ?? amazonOrderIdFor(orderId),
    sellerAccount,
    status,
    purchasedAt,
    cancelWindowEndsAt,
    trackingId: optionalString(obj, 'trackingId', path) ?? newTrackingId(api),
    labelCost: readMoney(obj['labelCost'], `${path}.labelCost`, currency),
    lastUpdatedAt: purchasedAt,
    history: [{ at: now, kind: 'seeded', status }],
  };
  if (businessId !== undefined) {
    shipment.businessId = businessId;
    shipment.carrierId =
      optionalString(obj, 'carrierId', path) ?? `AMZN_${businessId.slice('AmazonShipping_'.length)}`;
  }
  if (marketplaceId !== undefined) shipment.marketplaceId = marketplaceId;
  if (forceRefundResult !== undefined) shipment.forceRefundResult = forceRefundResult;
  if (status !== 'Purchased') shipment.cancelledAt = purchasedAt;
  return shipment;
}

function readStatus(obj: JsonObject, api: SandboxApi, path: string): ShipmentStatus {
  if (obj['status'] === undefined || obj['status'] === null) return 'Purchased';
  const status = oneOf(obj['status'], SHIPMENT_STATUSES, `${path}.status`);
  const allowed = api === 'amazon-shipping-v2' ? V2_STATUSES : MFN_STATUSES;
  if (!allowed.includes(status)) throw new InputError(`${path}.status ${status} does not exist for ${api}`);
  return status;
}

function readMoney(value: unknown, path: string, defaultCurrency: string): Money {
  if (value === undefined || value === null) return { amount: '4.99', currency: defaultCurrency };
  const obj = asObject(value, path);
  const amount = requiredString(obj, 'amount', path);
  if (!AMOUNT_PATTERN.test(amount))
    throw new InputError(`${path}.amount must be a decimal string like "12.34"`);
  const currency = requiredString(obj, 'currency', path);
  if (!/^[A-Z]{3}$/.test(currency)) throw new InputError(`${path}.currency must be an ISO 4217 code`);
  return { amount, currency };
}

function newShipmentId(api: SandboxApi, isTaken: (id: string) => boolean): string {
  for (;;) {
    // v2 ids look like the model's example "87852211788104"; MFN ids are UUIDs.
    const id =
      api === 'amazon-shipping-v2'
        ? `${randomInt(10_000_000, 99_999_999)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`
        : randomUUID();
    if (!isTaken(id)) return id;
  }
}

function newTrackingId(api: SandboxApi): string {
  const digits = `${randomInt(100_000_000, 999_999_999)}${randomInt(100, 999)}`;
  return api === 'amazon-shipping-v2'
    ? `TBA${digits}`
    : `1Z${randomUUID().slice(0, 6).toUpperCase()}${digits}`;
}

/** A stable Amazon-style order id (3-7-7 digits) derived from our order id. */
export function amazonOrderIdFor(orderId: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x1b873593;
  for (let i = 0; i < orderId.length; i++) {
    h1 = Math.imul(h1 ^ orderId.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ orderId.charCodeAt(i), 0x85ebca6b);
  }
  const a = String(100 + ((h1 >>> 0) % 900));
  const b = String((h2 >>> 0) % 10_000_000).padStart(7, '0');
  const c = String(((h1 ^ h2) >>> 0) % 10_000_000).padStart(7, '0');
  return `${a}-${b}-${c}`;
}
