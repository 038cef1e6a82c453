// One carrier call for a claimed row: a cancel, or the status follow-up of a refund still pending.
import type { CancelRequest, CarrierCancelPort } from '@oms/carrier-cancel';
import type { CancellationRow } from '../../domain/cancellation';
import type { CarrierResult } from '../../domain/carrier-result';
import { traceIdOf } from '../../platform/tracing/trace-context';
import { SpanKind, endSpan, startSpan, tracingEnabled } from '../../platform/tracing/tracing';

/** Calls the carrier for a row and gives back the result with how long the call took. */
export function callCarrier(
  carrier: CarrierCancelPort,
  row: CancellationRow,
  deadlineMs: number,
  awaitingCarrier?: (waiting: boolean) => void,
): Promise<CarrierResult> {
  const request: CancelRequest = {
    api: row.carrier,
    carrierShipmentId: row.carrierShipmentId,
    sellerAccount: row.sellerAccount,
    ...(row.businessId ? { businessId: row.businessId } : {}),
    ...(row.marketplaceId ? { marketplaceId: row.marketplaceId } : {}),
    ...(row.trackingId ? { trackingId: row.trackingId } : {}),
    ...(row.carrierId ? { carrierId: row.carrierId } : {}),
    deadlineMs,
    logContext: logContextOf(row),
    ...(awaitingCarrier ? { awaitingCarrier } : {}),
  };
  const started = performance.now();
  const call: Promise<CarrierResult> =
    row.operation === 'follow_up'
      ? carrier.status(request).then((status) => ({
          row,
          operation: 'status' as const,
          status,
          elapsedMs: performance.now() - started,
          finishedAt: new Date(),
        }))
      : carrier.cancel(request).then((outcome) => ({
          row,
          operation: 'cancel' as const,
          outcome,
          elapsedMs: performance.now() - started,
          finishedAt: new Date(),
        }));
  if (!tracingEnabled()) return call;
  // A child of the input's trace, kept with the cancellation: the call joins it whenever and wherever it runs.
  const span = startSpan(`carrier ${row.operation}`, SpanKind.CLIENT, row.traceParent, {
    'oms.carrier': row.carrier,
    'oms.cancellation_id': row.id,
    'oms.order_id': row.orderId,
  });
  return call.then(
    (result) => {
      span?.setAttribute(
        'oms.carrier_result',
        result.operation === 'cancel' ? result.outcome.kind : result.status.kind,
      );
      endSpan(span);
      return result;
    },
    (error: unknown) => {
      endSpan(span, error);
      throw error;
    },
  );
}

/** What ties the carrier's log lines to the cancellation and to the input's trace. */
function logContextOf(row: CancellationRow): Record<string, string> {
  const base = { cancellationId: row.id, orderId: row.orderId };
  return row.traceParent ? { ...base, traceId: traceIdOf(row.traceParent) } : base;
}
