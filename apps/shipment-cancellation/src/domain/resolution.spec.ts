import { resolve } from './resolution';

describe('resolve', () => {
  it('voids a failed or unknown cancellation someone cancelled in Seller Central, refund as for a void', () => {
    for (const state of ['failed', 'unknown'] as const) {
      expect(resolve(state, 'cancelled_elsewhere')).toMatchObject({
        kind: 'cancelled',
        state: 'voided',
        verdict: { outcome: 'voided', final: true, refundStatus: 'applied' },
        shipmentStatus: 'cancelled',
      });
    }
  });

  it('voids a refund_pending cancellation whose refund came', () => {
    expect(resolve('refund_pending', 'refund_received')).toMatchObject({
      kind: 'cancelled',
      state: 'voided',
    });
  });

  it('leaves the label as failed, needing no one, when it cannot be cancelled', () => {
    for (const state of ['failed', 'unknown', 'refund_pending'] as const) {
      expect(resolve(state, 'not_cancellable')).toMatchObject({
        kind: 'failed',
        state: 'failed',
        verdict: { reason: 'not_cancellable', requiresManualAction: false, refundStatus: 'none' },
        shipmentStatus: 'cancel_failed',
      });
    }
  });

  it('refuses an in-flight cancellation: the worker owns it', () => {
    expect(resolve('in_flight', 'cancelled_elsewhere')).toMatchObject({
      kind: 'refused',
      code: 'cancellation_in_flight',
    });
  });

  it('refuses outcomes the state does not allow, and settled or pending cancellations', () => {
    expect(resolve('refund_pending', 'cancelled_elsewhere')).toMatchObject({
      kind: 'refused',
      code: 'cancellation_not_resolvable',
    });
    expect(resolve('failed', 'refund_received')).toMatchObject({ code: 'cancellation_not_resolvable' });
    for (const state of ['pending', 'voided', 'already_cancelled'] as const) {
      expect(resolve(state, 'not_cancellable')).toMatchObject({ code: 'cancellation_not_resolvable' });
    }
  });
});
