import type { AmazonError } from './http/amazon-response.parser';
import {
  errorFields,
  saysAlreadyCancelled,
  saysNotCancellable,
  saysNotFound,
  saysWindowExpired,
} from './http/amazon-response.parser';
import type { SecretRedactor } from './http/secret.redactor';
import type { CancelOutcome, CancelRequest, OutcomeBase, RejectReason, ShipmentStatusResult } from './port';
import type { CallFailure, CallTrace } from './retry/amazon-call.runner';
import type { Clock } from './retry/clock';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The kind-specific part of an outcome, plus any base fields the adapter knows better. */
export type OutcomeBody = DistributiveOmit<CancelOutcome, keyof OutcomeBase> &
  Partial<Omit<OutcomeBase, 'api'>>;

const CONFIRMED_KINDS = new Set(['voided', 'refund_pending', 'already_cancelled', 'unknown']);

/** Builds outcomes for one cancel call: ids, attempts, time spent, redacted carrier texts. */
export class OutcomeFactory {
  constructor(
    private readonly request: CancelRequest,
    private readonly startedAt: number,
    private readonly clock: Clock,
    private readonly redactor: SecretRedactor,
  ) {}

  /** Combines a body with what the trace knows. After a possibly-acted attempt only confirmations count. */
  make(body: OutcomeBody, trace?: CallTrace): CancelOutcome {
    const fields = errorFields(trace?.error);
    const merged = {
      api: this.request.api,
      carrierShipmentId: this.request.carrierShipmentId,
      attempts: trace?.attempts ?? 0,
      elapsedMs: Math.max(0, Math.round(this.clock.now() - this.startedAt)),
      ...(trace?.requestId !== undefined ? { requestId: trace.requestId } : {}),
      ...(trace?.httpStatus !== undefined ? { httpStatus: trace.httpStatus } : {}),
      ...fields,
      ...body,
    } as CancelOutcome;
    const outcome: CancelOutcome =
      trace?.maybeActed && !CONFIRMED_KINDS.has(merged.kind)
        ? // An earlier attempt got a 500 and may have cancelled it; this refusal may be about that.
          ({ ...withoutKindFields(merged), kind: 'unknown', cause: 'server_error' } as CancelOutcome)
        : merged;
    return this.redacted(outcome);
  }

  fromFailure(failure: CallFailure, trace?: CallTrace): CancelOutcome {
    switch (failure.kind) {
      case 'retry_later':
        return this.make(
          { kind: 'retry_later', cause: failure.cause, retryAfterMs: failure.retryAfterMs },
          trace,
        );
      case 'unknown':
        return this.make({ kind: 'unknown', cause: failure.cause }, trace);
      case 'needs_attention':
        return this.make(
          { kind: 'needs_attention', problem: failure.problem, ...messageFields(failure) },
          trace,
        );
      case 'rejected':
        return this.make({ kind: 'rejected', reason: failure.reason, ...messageFields(failure) }, trace);
    }
  }

  /** A refusal found before any request was sent. */
  precheckRejection(reason: RejectReason, message: string): CancelOutcome {
    return this.make({ kind: 'rejected', reason, errorCode: 'PrecheckFailed', errorMessage: message });
  }

  private redacted(outcome: CancelOutcome): CancelOutcome {
    const copy = { ...outcome };
    if (copy.errorMessage !== undefined) copy.errorMessage = this.redactor.redact(copy.errorMessage);
    if (copy.errorDetails !== undefined) copy.errorDetails = this.redactor.redact(copy.errorDetails);
    if (copy.errorCode !== undefined) copy.errorCode = this.redactor.redact(copy.errorCode);
    return copy;
  }
}

function messageFields(failure: { message?: string; code?: string }): {
  errorMessage?: string;
  errorCode?: string;
} {
  return {
    ...(failure.message !== undefined ? { errorMessage: failure.message } : {}),
    ...(failure.code !== undefined ? { errorCode: failure.code } : {}),
  };
}

function withoutKindFields(outcome: CancelOutcome): OutcomeBase {
  const { kind: _kind, ...rest } = outcome as CancelOutcome & Record<string, unknown>;
  delete rest['reason'];
  delete rest['problem'];
  delete rest['retryAfterMs'];
  delete rest['cause'];
  delete rest['shipmentStatus'];
  return rest as OutcomeBase;
}

export type RefusalVerdict =
  | { kind: 'already_cancelled'; shipmentStatus?: string; confirmedBy?: 'getTracking' | 'getShipment' }
  | { kind: 'rejected'; reason: RejectReason; confirmedBy?: 'getTracking' | 'getShipment' };

/**
 * A 400 on cancel. The wording decides when it is clear; otherwise the shipment's status (when the API has a
 * read) tells "already cancelled" and "too late" apart from a plain invalid request.
 */
export async function interpretRefusal(
  error: AmazonError | undefined,
  verify?: { by: 'getTracking' | 'getShipment'; read: () => Promise<ShipmentStatusResult> },
): Promise<RefusalVerdict> {
  if (saysAlreadyCancelled(error)) return { kind: 'already_cancelled' };
  if (saysWindowExpired(error)) return { kind: 'rejected', reason: 'window_expired' };
  if (saysNotFound(error)) return { kind: 'rejected', reason: 'not_found' };
  const fromText: RejectReason = saysNotCancellable(error) ? 'not_cancellable' : 'invalid_request';
  if (!verify) return { kind: 'rejected', reason: fromText };
  const status = await verify.read();
  if (status.kind !== 'found') return { kind: 'rejected', reason: fromText };
  const confirmedBy = verify.by;
  switch (status.state) {
    case 'cancelled':
    case 'refund_pending':
    case 'refund_applied':
      return { kind: 'already_cancelled', shipmentStatus: status.rawStatus, confirmedBy };
    case 'refund_rejected':
      return { kind: 'rejected', reason: 'window_expired', confirmedBy };
    case 'in_transit':
    case 'delivered':
      return { kind: 'rejected', reason: 'not_cancellable', confirmedBy };
    default:
      return { kind: 'rejected', reason: fromText };
  }
}

/** Outcome body for a status the runner hands back and the adapter has no special meaning for. */
export function rejectionForStatus(status: number): RejectReason {
  return status === 404 ? 'not_found' : 'invalid_request';
}

/** httpStatus and requestId of a trace, for status results. */
export function traceFields(trace: { httpStatus?: number; requestId?: string }): {
  httpStatus?: number;
  requestId?: string;
} {
  return {
    ...(trace.httpStatus !== undefined ? { httpStatus: trace.httpStatus } : {}),
    ...(trace.requestId !== undefined ? { requestId: trace.requestId } : {}),
  };
}
