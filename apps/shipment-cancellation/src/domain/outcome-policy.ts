// What a carrier answer means for a shipment's cancellation: the next state, the events it earns, and
// when to try again. Pure functions, so every rule here is unit-tested without a carrier or a database.
import type { CancelOutcome, ShipmentStatusResult } from '@oms/carrier-cancel';
import type { CancelledOutcome, CarrierApi, FailureReason } from '@oms/events';
import type { RefundStatus } from './cancellation';

export interface AttemptContext {
  carrier: CarrierApi;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** An earlier cancel attempt may have reached the carrier (timeout, dropped answer, crash mid-call). */
  possiblySent: boolean;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  refundFollowUpMs: number;
  random: () => number;
}

export type Transition =
  | {
      kind: 'cancelled';
      state: 'voided' | 'already_cancelled' | 'refund_pending';
      outcome: CancelledOutcome;
      /** No further event follows for this shipment. */
      final: boolean;
      refundStatus: RefundStatus;
      /** Set while the refund is followed up (MFN v0 RefundPending). */
      followUpInMs?: number;
    }
  | { kind: 'failed'; reason: FailureReason; requiresManualAction: boolean; refundStatus: RefundStatus }
  | { kind: 'retry'; state: 'pending' | 'unknown' | 'refund_pending'; delayMs: number };

// Only MFN v0 can read a shipment's refund state back; the MWS bridge has no such operation (the seed documents
// only CancelShipment), so its refund_pending is final and its event's refund is `unconfirmed`.
const FOLLOW_UP_SUPPORTED: Record<CarrierApi, boolean> = {
  'amazon-shipping-v2': false,
  'amazon-mfn-mws': false,
  'amazon-mfn-v0': true,
};

/** Capped exponential backoff with jitter over the upper half, so a retry never fires at once. */
export function backoffMs(attempts: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

export function afterCancel(outcome: CancelOutcome, ctx: AttemptContext, policy: RetryPolicy): Transition {
  switch (outcome.kind) {
    case 'voided':
      return { kind: 'cancelled', state: 'voided', outcome: 'voided', final: true, refundStatus: 'applied' };
    case 'already_cancelled':
      if (!ctx.possiblySent) {
        return {
          kind: 'cancelled',
          state: 'already_cancelled',
          outcome: 'already_cancelled',
          final: true,
          refundStatus: 'none',
        };
      }
      // After an attempt of ours that may have landed, "already cancelled" is that attempt's success. Shipping
      // v2 voids at once; Merchant Fulfillment only accepts a refund request, which MFN v0 follows up and the
      // MWS bridge (no read-back) reports as a final refund_pending (its event says the refund is unconfirmed).
      if (ctx.carrier === 'amazon-shipping-v2') {
        return {
          kind: 'cancelled',
          state: 'voided',
          outcome: 'voided',
          final: true,
          refundStatus: 'applied',
        };
      }
      return {
        kind: 'cancelled',
        state: 'refund_pending',
        outcome: 'refund_pending',
        final: !FOLLOW_UP_SUPPORTED[ctx.carrier],
        refundStatus: 'pending',
        ...(FOLLOW_UP_SUPPORTED[ctx.carrier] ? { followUpInMs: 0 } : {}),
      };
    case 'refund_pending':
      return FOLLOW_UP_SUPPORTED[ctx.carrier]
        ? {
            kind: 'cancelled',
            state: 'refund_pending',
            outcome: 'refund_pending',
            final: false,
            refundStatus: 'pending',
            followUpInMs: policy.refundFollowUpMs,
          }
        : {
            kind: 'cancelled',
            state: 'refund_pending',
            outcome: 'refund_pending',
            final: true,
            refundStatus: 'pending',
          };
    case 'rejected':
      return {
        kind: 'failed',
        reason: outcome.reason,
        // A shipment the carrier does not know has no label to void; everything else needs a person.
        requiresManualAction: outcome.reason !== 'not_found',
        refundStatus: 'none',
      };
    case 'needs_attention':
      return { kind: 'failed', reason: 'credentials', requiresManualAction: true, refundStatus: 'none' };
    case 'unknown':
      return retryOrGiveUp('unknown', 0, ctx, policy);
    case 'retry_later':
      return retryOrGiveUp(ctx.possiblySent ? 'unknown' : 'pending', outcome.retryAfterMs, ctx, policy);
  }
}

export function afterFollowUp(result: ShipmentStatusResult, policy: RetryPolicy): Transition {
  if (result.kind === 'unsupported') {
    return {
      kind: 'cancelled',
      state: 'refund_pending',
      outcome: 'refund_pending',
      final: true,
      refundStatus: 'pending',
    };
  }
  if (result.kind === 'found' && (result.state === 'refund_applied' || result.state === 'cancelled')) {
    return { kind: 'cancelled', state: 'voided', outcome: 'voided', final: true, refundStatus: 'applied' };
  }
  if (result.kind === 'found' && result.state === 'refund_rejected') {
    return {
      kind: 'failed',
      reason: 'refund_rejected',
      requiresManualAction: true,
      refundStatus: 'rejected',
    };
  }
  // Still pending, or the read failed: the refund is followed up until Amazon decides.
  return { kind: 'retry', state: 'refund_pending', delayMs: policy.refundFollowUpMs };
}

function retryOrGiveUp(
  state: 'pending' | 'unknown',
  minimumDelayMs: number,
  ctx: AttemptContext,
  policy: RetryPolicy,
): Transition {
  if (ctx.attempts >= policy.maxAttempts) {
    return { kind: 'failed', reason: 'retries_exhausted', requiresManualAction: true, refundStatus: 'none' };
  }
  return { kind: 'retry', state, delayMs: Math.max(minimumDelayMs, backoffMs(ctx.attempts, policy)) };
}
