// Helpers for tests (unit and end to end): a cancellation row as a claim returns it, with neutral defaults.
// Never imported by the service itself.
import type { CancellationRow } from './cancellation';

/** A Shipping v2 cancel in flight on its first attempt; `over` sets what a test cares about. */
export function cancellationRow(over: Partial<CancellationRow> = {}): CancellationRow {
  const id = over.id ?? 'c1';
  return {
    id,
    requestId: `r-${id}`,
    orderId: `o-${id}`,
    shipmentId: `s-${id}`,
    carrier: 'amazon-shipping-v2',
    carrierShipmentId: `cs-${id}`,
    sellerAccount: 'seller',
    state: 'in_flight',
    operation: 'cancel',
    reshipEligible: true,
    possiblySent: false,
    attempts: 1,
    attemptsBeforeRetry: 0,
    businessId: null,
    marketplaceId: null,
    trackingId: null,
    carrierId: null,
    labelCostAmount: '1.00',
    labelCostCurrency: 'USD',
    trigger: 'order_event',
    actor: 'test',
    causationId: `e-${id}`,
    correlationId: `e-${id}`,
    traceParent: null,
    cancelReason: null,
    eventSequence: 0,
    lastFinalEventId: null,
    requestedAt: new Date('2026-01-01T00:00:00Z'),
    ...over,
  };
}
