// The JSON the admin API answers with, made from the store's entities. Times are ISO 8601 UTC, money is
// decimal strings, and every text is returned exactly as stored.
import { formatAmount } from '../domain/cancellation';
import { AdminReadsStore, type CancellationWithRequest } from '../store/admin-reads.store';
import type {
  CancellationRequestEntity,
  CarrierAttemptEntity,
} from '../store/entities/cancellation.entities';
import type { ShipmentEntity } from '../store/entities/shipment.entity';
import type { ResolutionRecord } from '../store/resolutions.store';

export interface ShipmentView {
  shipmentId: string;
  orderId: string;
  carrier: string;
  carrierShipmentId: string;
  sellerAccount: string;
  businessId: string | null;
  marketplaceId: string | null;
  trackingId: string | null;
  labelCost: { amount: string; currency: string };
  purchasedAt: string;
  cancelWindowEndsAt: string | null;
  status: string;
}

export interface AttemptView {
  attempt: number;
  operation: string;
  outcome: string;
  httpStatus: number | null;
  carrierRequestId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  tries: number;
  elapsedMs: number;
  finishedAt: string;
}

export interface CancellationView {
  id: string;
  cancellationRequestId: string;
  orderId: string;
  shipmentId: string;
  carrier: string;
  carrierShipmentId: string;
  sellerAccount: string;
  state: string;
  outcome: string | null;
  failureReason: string | null;
  requiresManualAction: boolean;
  refundStatus: string;
  reshipEligible: boolean;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastCarrierAnswer: {
    carrierRequestId: string | null;
    httpStatus: number | null;
    errorCode: string | null;
    errorMessage: string | null;
    errorDetails: string | null;
  };
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  request: { trigger: string; actor: string; reason: string | null };
  attempts?: AttemptView[];
  /** One cancellation's read only: its latest resolution by an operator. */
  resolution?: ResolutionView | null;
}

export interface ResolutionView {
  outcome: string;
  by: string;
  reason: string;
  at: string;
}

export interface RequestView {
  id: string;
  orderId: string;
  scope: string;
  trigger: string;
  actor: string;
  reason: string | null;
  rule: string;
  shipmentCount: number;
  status: string;
  manualReshipEventId: string | null;
  causationId: string;
  correlationId: string;
  createdAt: string;
  completedAt: string | null;
  cancellations: CancellationView[];
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

export function shipmentView(s: ShipmentEntity): ShipmentView {
  return {
    shipmentId: s.id,
    orderId: s.orderId,
    carrier: s.carrier,
    carrierShipmentId: s.carrierShipmentId,
    sellerAccount: s.sellerAccount,
    businessId: s.businessId,
    marketplaceId: s.marketplaceId,
    trackingId: s.trackingId,
    labelCost: { amount: formatAmount(s.labelCostAmount), currency: s.labelCostCurrency },
    purchasedAt: s.purchasedAt.toISOString(),
    cancelWindowEndsAt: iso(s.cancelWindowEndsAt),
    status: s.status,
  };
}

export function cancellationView(c: CancellationWithRequest): CancellationView {
  return {
    id: c.id,
    cancellationRequestId: c.requestId,
    orderId: c.orderId,
    shipmentId: c.shipmentId,
    carrier: c.carrier,
    carrierShipmentId: c.carrierShipmentId,
    sellerAccount: c.sellerAccount,
    state: c.state,
    outcome: c.outcome,
    failureReason: c.failureReason,
    requiresManualAction: c.requiresManualAction,
    refundStatus: c.refundStatus,
    reshipEligible: c.reshipEligible,
    attemptCount: c.attempts,
    nextAttemptAt: iso(c.nextAttemptAt),
    lastCarrierAnswer: {
      carrierRequestId: c.carrierRequestId,
      httpStatus: c.httpStatus,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      errorDetails: c.errorDetails,
    },
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    completedAt: iso(c.completedAt),
    request: { trigger: c.request.trigger, actor: c.request.actor, reason: c.request.reason },
  };
}

function attemptView(a: CarrierAttemptEntity): AttemptView {
  return {
    attempt: a.attempt,
    operation: a.operation,
    outcome: a.outcome,
    httpStatus: a.httpStatus,
    carrierRequestId: a.carrierRequestId,
    errorCode: a.errorCode,
    errorMessage: a.errorMessage,
    tries: a.tries,
    elapsedMs: a.elapsedMs,
    finishedAt: a.finishedAt.toISOString(),
  };
}

function requestView(r: CancellationRequestEntity, cancellations: CancellationView[]): RequestView {
  return {
    id: r.id,
    orderId: r.orderId,
    scope: r.scope,
    trigger: r.trigger,
    actor: r.actor,
    reason: r.reason,
    rule: r.rule,
    shipmentCount: r.shipmentCount,
    status: r.status,
    manualReshipEventId: r.manualReshipEventId,
    causationId: r.causationId,
    correlationId: r.correlationId,
    createdAt: r.createdAt.toISOString(),
    completedAt: iso(r.completedAt),
    cancellations: cancellations.filter((c) => c.cancellationRequestId === r.id),
  };
}

/** The views of these cancellations, each with every carrier attempt made for it. */
export async function withAttempts(
  reads: AdminReadsStore,
  cancellations: CancellationWithRequest[],
): Promise<CancellationView[]> {
  const views = cancellations.map(cancellationView);
  if (views.length === 0) return views;
  const attempts = await reads.attemptsOf(views.map((v) => v.id));
  for (const view of views) {
    view.attempts = attempts.filter((a) => a.shipmentCancellationId === view.id).map(attemptView);
  }
  return views;
}

/** One cancellation with its attempts, or null. */
export async function cancellationById(reads: AdminReadsStore, id: string): Promise<CancellationView | null> {
  const found = await reads.cancellation(id);
  return found ? ((await withAttempts(reads, [found]))[0] ?? null) : null;
}

export function resolutionView(record: ResolutionRecord | null): ResolutionView | null {
  return (
    record && { outcome: record.outcome, by: record.by, reason: record.reason, at: record.at.toISOString() }
  );
}

/** The order's requests, each with its cancellations and their attempts. */
export async function requestsOfOrder(reads: AdminReadsStore, orderId: string): Promise<RequestView[]> {
  const requests = await reads.requestsOfOrder(orderId);
  const cancellations = await withAttempts(reads, await reads.cancellationsOfOrder(orderId));
  return requests.map((r) => requestView(r, cancellations));
}
