// Merchant Fulfillment's reship rule (seed 001): after cancelling the only shipment of an order a new one
// may be bought; once an order has had several shipments, a person must reship through Seller Central or
// the carrier. Shipments are counted as created, cancelled ones included.
import type { ReshipRule } from './cancellation';

export function reshipRuleFor(shipmentsCreated: number): ReshipRule {
  if (shipmentsCreated === 0) return 'no_shipments';
  return shipmentsCreated === 1 ? 'single_shipment' : 'multiple_shipments';
}

export function reshipEligible(rule: ReshipRule): boolean {
  return rule === 'single_shipment';
}
