import type { CancelOutcome } from '@oms/carrier-cancel';
import {
  type AttemptContext,
  type RetryPolicy,
  afterCancel,
  afterFollowUp,
  backoffMs,
} from './outcome-policy';

const policy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  refundFollowUpMs: 30_000,
  random: () => 0.5,
};
const base = { api: 'amazon-shipping-v2' as const, carrierShipmentId: 's-1', attempts: 1, elapsedMs: 10 };
const ctx = (over: Partial<AttemptContext> = {}): AttemptContext => ({
  carrier: 'amazon-shipping-v2',
  attempts: 1,
  possiblySent: false,
  ...over,
});

describe('afterCancel', () => {
  it('voided is a final cancellation with the label refund applied', () => {
    expect(afterCancel({ ...base, kind: 'voided' }, ctx(), policy)).toEqual({
      kind: 'cancelled',
      state: 'voided',
      outcome: 'voided',
      final: true,
      refundStatus: 'applied',
    });
  });

  it('already cancelled with no earlier attempt of ours is reported as already_cancelled', () => {
    expect(afterCancel({ ...base, kind: 'already_cancelled' }, ctx(), policy)).toMatchObject({
      state: 'already_cancelled',
      outcome: 'already_cancelled',
      refundStatus: 'none',
    });
  });

  it('already cancelled after an attempt of ours that may have landed is that attempt succeeding', () => {
    expect(
      afterCancel({ ...base, kind: 'already_cancelled' }, ctx({ possiblySent: true }), policy),
    ).toMatchObject({
      state: 'voided',
      outcome: 'voided',
      refundStatus: 'applied',
    });
  });

  it('on MFN v0, "already cancelled" after an attempt of ours is followed up: the refund may yet be rejected', () => {
    const outcome: CancelOutcome = {
      ...base,
      api: 'amazon-mfn-v0',
      kind: 'already_cancelled',
      shipmentStatus: 'RefundPending',
    };
    expect(afterCancel(outcome, ctx({ carrier: 'amazon-mfn-v0', possiblySent: true }), policy)).toEqual({
      kind: 'cancelled',
      state: 'refund_pending',
      outcome: 'refund_pending',
      final: false,
      refundStatus: 'pending',
      followUpInMs: 0,
    });
    const mws: CancelOutcome = { ...outcome, api: 'amazon-mfn-mws' };
    expect(afterCancel(mws, ctx({ carrier: 'amazon-mfn-mws', possiblySent: true }), policy)).toEqual({
      kind: 'cancelled',
      state: 'refund_pending',
      outcome: 'refund_pending',
      final: true,
      refundStatus: 'pending',
    });
  });

  it('MFN v0 refund pending is followed up; the MWS bridge has no read-back, so its pending is final', () => {
    const pending: CancelOutcome = { ...base, api: 'amazon-mfn-v0', kind: 'refund_pending' };
    expect(afterCancel(pending, ctx({ carrier: 'amazon-mfn-v0' }), policy)).toEqual({
      kind: 'cancelled',
      state: 'refund_pending',
      outcome: 'refund_pending',
      final: false,
      refundStatus: 'pending',
      followUpInMs: 30_000,
    });
    expect(
      afterCancel({ ...pending, api: 'amazon-mfn-mws' }, ctx({ carrier: 'amazon-mfn-mws' }), policy),
    ).toEqual({
      kind: 'cancelled',
      state: 'refund_pending',
      outcome: 'refund_pending',
      final: true,
      refundStatus: 'pending',
    });
  });

  it.each([
    ['window_expired', true],
    ['not_cancellable', true],
    ['unsupported_marketplace', true],
    ['invalid_request', true],
    ['not_found', false],
  ] as const)('rejected (%s) fails for good; a person must act: %s', (reason, manual) => {
    expect(afterCancel({ ...base, kind: 'rejected', reason }, ctx(), policy)).toEqual({
      kind: 'failed',
      reason,
      requiresManualAction: manual,
      refundStatus: 'none',
    });
  });

  it('broken credentials fail at once and need a person, never a retry loop', () => {
    expect(
      afterCancel({ ...base, kind: 'needs_attention', problem: 'invalid_grant' }, ctx(), policy),
    ).toMatchObject({
      kind: 'failed',
      reason: 'credentials',
      requiresManualAction: true,
    });
  });

  it('an unknown outcome is retried (to reconcile), marked unknown', () => {
    expect(afterCancel({ ...base, kind: 'unknown', cause: 'timeout' }, ctx({ attempts: 2 }), policy)).toEqual(
      {
        kind: 'retry',
        state: 'unknown',
        delayMs: 1_500,
      },
    );
  });

  it('retry_later waits at least as long as the carrier asked', () => {
    const outcome: CancelOutcome = { ...base, kind: 'retry_later', retryAfterMs: 9_000, cause: 'throttled' };
    expect(afterCancel(outcome, ctx(), policy)).toEqual({ kind: 'retry', state: 'pending', delayMs: 9_000 });
    expect(afterCancel(outcome, ctx({ possiblySent: true }), policy)).toMatchObject({ state: 'unknown' });
  });

  it('gives up after the last attempt, asking for a person', () => {
    expect(afterCancel({ ...base, kind: 'unknown', cause: 'timeout' }, ctx({ attempts: 5 }), policy)).toEqual(
      {
        kind: 'failed',
        reason: 'retries_exhausted',
        requiresManualAction: true,
        refundStatus: 'none',
      },
    );
  });
});

describe('afterFollowUp', () => {
  it('refund applied ends the cancellation as voided', () => {
    expect(
      afterFollowUp({ kind: 'found', state: 'refund_applied', rawStatus: 'RefundApplied' }, policy),
    ).toMatchObject({
      kind: 'cancelled',
      outcome: 'voided',
      final: true,
      refundStatus: 'applied',
    });
  });

  it('refund rejected fails it with the refund rejected', () => {
    expect(
      afterFollowUp({ kind: 'found', state: 'refund_rejected', rawStatus: 'RefundRejected' }, policy),
    ).toEqual({
      kind: 'failed',
      reason: 'refund_rejected',
      requiresManualAction: true,
      refundStatus: 'rejected',
    });
  });

  it('still pending, or an error reading it, asks again later', () => {
    expect(
      afterFollowUp({ kind: 'found', state: 'refund_pending', rawStatus: 'RefundPending' }, policy),
    ).toEqual({
      kind: 'retry',
      state: 'refund_pending',
      delayMs: 30_000,
    });
    expect(afterFollowUp({ kind: 'error', message: 'boom' }, policy)).toMatchObject({ kind: 'retry' });
  });
});

describe('backoffMs', () => {
  it('doubles per attempt up to the cap and never fires at once', () => {
    const low = { ...policy, random: () => 0 };
    const high = { ...policy, random: () => 1 };
    expect([1, 2, 3].map((n) => backoffMs(n, high))).toEqual([1_000, 2_000, 4_000]);
    expect([1, 2, 3].map((n) => backoffMs(n, low))).toEqual([500, 1_000, 2_000]);
    expect(backoffMs(30, high)).toBe(60_000);
  });
});
