import type { CancellationState } from './cancellation';
import { type ResolutionOutcome, resolve } from './resolution';

const VOIDED = {
  kind: 'cancelled',
  state: 'voided',
  verdict: { outcome: 'voided', final: true, refundStatus: 'applied' },
  shipmentStatus: 'cancelled',
};
const LABEL_STAYS = {
  kind: 'failed',
  state: 'failed',
  verdict: { reason: 'not_cancellable', requiresManualAction: false, refundStatus: 'none' },
  shipmentStatus: 'cancel_failed',
};
const NOT_RESOLVABLE = { kind: 'refused', code: 'cancellation_not_resolvable' };

describe('resolve', () => {
  it.each<[CancellationState, ResolutionOutcome, object]>([
    // Voided in Seller Central: refund as for a void.
    ['failed', 'cancelled_elsewhere', VOIDED],
    ['unknown', 'cancelled_elsewhere', VOIDED],
    ['refund_pending', 'refund_received', VOIDED],
    // The label stays: failed, needing no one.
    ['failed', 'not_cancellable', LABEL_STAYS],
    ['unknown', 'not_cancellable', LABEL_STAYS],
    ['refund_pending', 'not_cancellable', LABEL_STAYS],
    // The worker owns an in-flight cancellation.
    ['in_flight', 'cancelled_elsewhere', { kind: 'refused', code: 'cancellation_in_flight' }],
    // Outcomes the state does not allow, and cancellations that are pending or settled.
    ['refund_pending', 'cancelled_elsewhere', NOT_RESOLVABLE],
    ['failed', 'refund_received', NOT_RESOLVABLE],
    ['pending', 'not_cancellable', NOT_RESOLVABLE],
    ['voided', 'not_cancellable', NOT_RESOLVABLE],
    ['already_cancelled', 'cancelled_elsewhere', NOT_RESOLVABLE],
  ])('%s resolved as %s', (state, outcome, expected) => {
    expect(resolve(state, outcome)).toMatchObject(expected);
  });
});
