// An operator's closing word on a cancellation the carrier could not settle: which outcome is allowed from
// which state, the state it leaves, and the final event it earns.
import type { CancelledVerdict, FailedVerdict } from './cancellation-events';
import type { CancellationState } from './cancellation';

/** What the operator found out: voided in Seller Central, the refund came, or the label stays. */
export type ResolutionOutcome = 'cancelled_elsewhere' | 'refund_received' | 'not_cancellable';
export const RESOLUTION_OUTCOMES: readonly ResolutionOutcome[] = [
  'cancelled_elsewhere',
  'refund_received',
  'not_cancellable',
];

/** The outcomes allowed from each state an operator may resolve. */
const ALLOWED: Partial<Record<CancellationState, readonly ResolutionOutcome[]>> = {
  failed: ['cancelled_elsewhere', 'not_cancellable'],
  unknown: ['cancelled_elsewhere', 'not_cancellable'],
  refund_pending: ['refund_received', 'not_cancellable'],
};

/** The states some outcome may be resolved from. */
export const RESOLVABLE_STATES = Object.keys(ALLOWED) as CancellationState[];

export type Resolution =
  | { kind: 'cancelled'; state: 'voided'; verdict: CancelledVerdict; shipmentStatus: 'cancelled' }
  | { kind: 'failed'; state: 'failed'; verdict: FailedVerdict; shipmentStatus: 'cancel_failed' }
  | { kind: 'refused'; code: 'cancellation_in_flight' | 'cancellation_not_resolvable'; message: string };

const VOIDED: Resolution = {
  kind: 'cancelled',
  state: 'voided',
  verdict: { outcome: 'voided', final: true, refundStatus: 'applied' },
  shipmentStatus: 'cancelled',
};

const LABEL_STAYS: Resolution = {
  kind: 'failed',
  state: 'failed',
  verdict: { reason: 'not_cancellable', requiresManualAction: false, refundStatus: 'none' },
  shipmentStatus: 'cancel_failed',
};

/** The resolution `outcome` makes of a cancellation in `state`, or why it is refused. */
export function resolve(state: CancellationState, outcome: ResolutionOutcome): Resolution {
  if (state === 'in_flight') {
    return {
      kind: 'refused',
      code: 'cancellation_in_flight',
      message: 'the carrier worker is calling the carrier for this cancellation; try again once it answers',
    };
  }
  const allowed = ALLOWED[state] ?? [];
  if (!allowed.includes(outcome)) {
    return {
      kind: 'refused',
      code: 'cancellation_not_resolvable',
      message:
        allowed.length === 0
          ? `only a failed, unknown or refund_pending cancellation can be resolved; this one is ${state}`
          : `a ${state} cancellation can be resolved only as ${allowed.join(' or ')}`,
    };
  }
  return outcome === 'not_cancellable' ? LABEL_STAYS : VOIDED;
}
