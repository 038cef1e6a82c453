// One valid example per event type (used by tests here and in the service, and by the AsyncAPI document).
// Frozen: a test that wants a variant must copy (structuredClone) first.
import type { EventOf } from './catalog';
import { createEvent } from './envelope';
import { EventTypes, type EventName } from './event-types';

const service = '/oms/shipment-cancellation';
const platform = '/oms/order-management';
const orderId = '113-4567890-1234567';
const inputId = '6f1c2b9e-7d1a-4f0e-9a51-2c8d3e4f5a61';

const orderCancelled = createEvent(
  EventTypes.orderCancelled,
  {
    schemaVersion: 1,
    orderId,
    marketplaceId: 'ATVPDKIKX0DER',
    reason: 'customer_request',
    cancelledAt: '2025-03-14T09:26:53Z',
    requestedBy: 'customer-service',
  },
  { source: platform, id: inputId, time: '2025-03-14T09:26:53.120Z' },
);

const shipmentPurchased = createEvent(
  EventTypes.shipmentPurchased,
  {
    schemaVersion: 1,
    orderId,
    shipmentId: 'shp_01HQ8Z4T6V',
    carrier: 'amazon-shipping-v2',
    carrierShipmentId: '112-9384756-0192837',
    businessId: 'AmazonShipping_US',
    sellerAccount: 'seller-us-1',
    trackingId: '1Z999AA10123456784',
    carrierId: 'UPS',
    labelCost: { amount: '8.45', currency: 'USD' },
    purchasedAt: '2025-03-13T17:02:11Z',
    cancelWindowEndsAt: '2025-03-15T17:02:11Z',
  },
  { source: platform, id: '0c9d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f', time: '2025-03-13T17:02:11.480Z' },
);

const outputBase = {
  schemaVersion: 1 as const,
  orderId,
  cancellationId: '3e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9',
  trigger: 'order_event' as const,
  actor: platform,
  causationId: inputId,
  correlationId: inputId,
};

const shipmentCancelled = createEvent(
  EventTypes.shipmentCancelled,
  {
    ...outputBase,
    shipmentId: 'shp_01HQ8Z4T6V',
    carrier: {
      api: 'amazon-shipping-v2',
      carrierShipmentId: '112-9384756-0192837',
      requestId: 'b7f1e2d3-c4a5-4b6c-9d8e-7f6a5b4c3d2e',
      httpStatus: 200,
      errorCode: null,
      errorMessage: null,
    },
    outcome: 'voided',
    final: true,
    reshipEligible: true,
    labelRefund: { amount: '8.45', currency: 'USD', status: 'applied' },
    sellerAccount: 'seller-us-1',
    marketplaceId: 'ATVPDKIKX0DER',
    businessId: 'AmazonShipping_US',
    cancelReason: 'customer_request',
    labelCost: { amount: '8.45', currency: 'USD' },
    refund: { status: 'applied', amount: '8.45', currency: 'USD', source: 'label_cost' },
    sequence: 1,
    requestedAt: '2025-03-14T09:26:53.300Z',
    cancelledAt: '2025-03-14T09:26:54.020Z',
  },
  { source: service, id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', time: '2025-03-14T09:26:54.050Z' },
);

/** The order and money fields of a Merchant Fulfillment shipment's first outcome event, with no refund amount. */
function merchantFulfillment(
  sellerAccount: string,
  cancelReason: string,
  cost: string,
  status: 'pending' | 'none',
) {
  return {
    sellerAccount,
    marketplaceId: 'ATVPDKIKX0DER',
    businessId: null,
    cancelReason,
    labelCost: { amount: cost, currency: 'USD' },
    refund: { status, source: 'none' as const },
    sequence: 1,
  };
}

/** MFN: the label is void but the carrier has not decided on the refund yet; a final event follows. */
export const refundPendingExample = createEvent(
  EventTypes.shipmentCancelled,
  {
    ...outputBase,
    orderId: '114-1234567-7654321',
    shipmentId: 'shp_01HQ9B2K7M',
    carrier: {
      api: 'amazon-mfn-v0',
      carrierShipmentId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      requestId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
      httpStatus: 200,
      errorCode: null,
      errorMessage: null,
    },
    outcome: 'refund_pending',
    final: false,
    reshipEligible: true,
    labelRefund: { amount: '5.10', currency: 'USD', status: 'pending' },
    ...merchantFulfillment('seller-us-2', 'customer_request', '5.10', 'pending'),
    requestedAt: '2025-03-14T10:00:00Z',
    cancelledAt: '2025-03-14T10:00:01Z',
  },
  { source: service, id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a', time: '2025-03-14T10:00:01.100Z' },
);

const manualReshipRequired = createEvent(
  EventTypes.manualReshipRequired,
  {
    ...outputBase,
    orderId: '112-7654321-9876543',
    cancellationId: '7c6b5a49-3827-4165-a4b3-c2d1e0f9a8b7',
    causationId: '2b3c4d5e-6f70-4819-a2b3-c4d5e6f70819',
    correlationId: '2b3c4d5e-6f70-4819-a2b3-c4d5e6f70819',
    reason: 'multiple_shipments',
    cancelReason: 'out_of_stock',
    sequence: 1,
    shipmentCount: 3,
    shipments: [
      {
        shipmentId: 'shp_01HQA1',
        carrierShipmentId: 'mws-2001',
        carrier: 'amazon-mfn-mws',
        outcome: 'voided',
      },
      {
        shipmentId: 'shp_01HQA2',
        carrierShipmentId: 'mws-2002',
        carrier: 'amazon-mfn-mws',
        outcome: 'failed',
        failureReason: 'window_expired',
      },
      {
        shipmentId: 'shp_01HQA3',
        carrierShipmentId: 'mws-2003',
        carrier: 'amazon-mfn-mws',
        outcome: 'skipped_already_inactive',
      },
    ],
    message: 'Order 112-7654321-9876543 had 3 shipments; a person must arrange the new shipment.',
    requiredAt: '2025-03-14T11:15:02Z',
  },
  { source: service, id: '8e7d6c5b-4a39-4281-9f0e-d1c2b3a49586', time: '2025-03-14T11:15:02.310Z' },
);

const shipmentCancellationFailed = createEvent(
  EventTypes.shipmentCancellationFailed,
  {
    ...outputBase,
    orderId: '112-7654321-9876543',
    cancellationId: '7c6b5a49-3827-4165-a4b3-c2d1e0f9a8b7',
    causationId: '2b3c4d5e-6f70-4819-a2b3-c4d5e6f70819',
    correlationId: '2b3c4d5e-6f70-4819-a2b3-c4d5e6f70819',
    shipmentId: 'shp_01HQA2',
    carrier: {
      api: 'amazon-mfn-mws',
      carrierShipmentId: 'mws-2002',
      requestId: 'd4c3b2a1-0f9e-4d8c-b7a6-958473625140',
      httpStatus: 400,
      errorCode: 'InvalidRequest',
      errorMessage: 'The cancellation window for this shipment has expired.',
    },
    reason: 'window_expired',
    requiresManualAction: true,
    errorDetails: 'The cancellation window for this shipment has expired.',
    labelRefund: { amount: '6.20', currency: 'USD', status: 'none' },
    ...merchantFulfillment('seller-us-3', 'out_of_stock', '6.20', 'none'),
    reshipEligible: false,
    requestedAt: '2025-03-14T11:15:00Z',
    failedAt: '2025-03-14T11:15:01.870Z',
  },
  { source: service, id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', time: '2025-03-14T11:15:01.900Z' },
);

const deadLetter = createEvent(
  EventTypes.deadLetter,
  {
    schemaVersion: 1,
    consumerGroup: 'shipment-cancellation',
    source: {
      topic: 'oms.order.cancelled.v1',
      partition: 3,
      offset: '48213',
      key: '113-9999999-0000000',
      timestamp: '2025-03-14T12:00:00.250Z',
    },
    headers: { 'content-type': 'application/cloudevents+json' },
    payload: { base64: 'eyJvcmRlcklkIjo=', utf8: '{"orderId":' },
    error: {
      kind: 'not_json',
      message: '(message): is not JSON (Unexpected end of JSON input)',
      issues: [{ path: '', message: 'is not JSON (Unexpected end of JSON input)' }],
    },
    deadLetteredAt: '2025-03-14T12:00:00.410Z',
  },
  {
    source: service,
    id: '4f3e2d1c-0b9a-4887-a665-544332211009',
    time: '2025-03-14T12:00:00.410Z',
    subject: '113-9999999-0000000',
  },
);

/** One valid example envelope per event type, keyed like `EventTypes`. */
export const Examples: { readonly [N in EventName]: EventOf<(typeof EventTypes)[N]> } = deepFreeze({
  orderCancelled,
  shipmentPurchased,
  shipmentCancelled,
  manualReshipRequired,
  shipmentCancellationFailed,
  deadLetter,
});

deepFreeze(refundPendingExample);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
