// The cancellation of one shipment as the rest of the service sees it: its states, the reship rule's
// verdicts, and the row the worker, the applier and the events work from.
import type { CancelTrigger, CarrierApi } from '@oms/events';

export type ReshipRule = 'single_shipment' | 'multiple_shipments' | 'no_shipments';
export type CancellationState =
  'pending' | 'in_flight' | 'unknown' | 'refund_pending' | 'voided' | 'already_cancelled' | 'failed';
export type RefundStatus = 'none' | 'pending' | 'applied' | 'rejected';

/** States in which the carrier has not answered for the shipment yet. */
export const AWAITING_CARRIER: readonly CancellationState[] = ['pending', 'in_flight', 'unknown'];

/** States a cancellation may still leave (the worker or an operator moves it on). */
export const OPEN_STATES: readonly CancellationState[] = [...AWAITING_CARRIER, 'refund_pending'];

/** States that end a cancellation until an operator retries it. */
export const SETTLED_STATES: readonly CancellationState[] = ['voided', 'already_cancelled', 'failed'];

/** A shipment cancellation joined with its shipment and request: all the worker and the events need. */
export interface CancellationRow {
  id: string;
  requestId: string;
  orderId: string;
  shipmentId: string;
  carrier: CarrierApi;
  carrierShipmentId: string;
  sellerAccount: string;
  state: CancellationState;
  operation: 'cancel' | 'follow_up';
  reshipEligible: boolean;
  possiblySent: boolean;
  attempts: number;
  /** Attempts made before an operator's last retry; the retry budget counts from there. */
  attemptsBeforeRetry: number;
  businessId: string | null;
  marketplaceId: string | null;
  trackingId: string | null;
  carrierId: string | null;
  labelCostAmount: string;
  labelCostCurrency: string;
  trigger: CancelTrigger;
  actor: string;
  causationId: string;
  correlationId: string;
  /** The request's W3C traceparent (from its input), or null. */
  traceParent: string | null;
  /** The OrderCancelled's or the operator's reason, or null. */
  cancelReason: string | null;
  /** Events published about this cancellation so far: the next one carries this plus one. */
  eventSequence: number;
  /** This cancellation's last final event, until a later event supersedes it. */
  lastFinalEventId: string | null;
  requestedAt: Date;
}

/** numeric(14,4) comes back as "12.3400"; money in events keeps at least two decimals. */
export function formatAmount(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return `${whole}.${trimmed.padEnd(2, '0')}`;
}
