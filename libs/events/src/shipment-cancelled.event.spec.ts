import { decodeEvent, EventValidationError, Examples, validateEvent, type ShipmentCancelled } from './index';

const example = Examples.shipmentCancelled;

function withData(data: Partial<Record<keyof ShipmentCancelled, unknown>> & object): unknown {
  return { ...example, data: { ...example.data, ...data } };
}

function issuesOf(raw: unknown): unknown {
  const result = decodeEvent(raw);
  return result.ok ? [] : result.issues;
}

describe('ShipmentCancelled', () => {
  it('accepts its example', () => {
    expect(decodeEvent(example)).toEqual({ ok: true, event: example });
    expect(validateEvent(example)).toBe(example);
  });

  it('carries what billing and refunds need', () => {
    const { data } = example;
    expect(Object.keys(data)).toEqual(
      expect.arrayContaining(['outcome', 'reshipEligible', 'labelRefund', 'causationId', 'correlationId']),
    );
    expect(data.labelRefund).toEqual({ amount: '8.45', currency: 'USD', status: 'applied' });
    expect(data.carrier.requestId).toEqual(expect.any(String));
  });

  it.each([
    [false, 'pending'],
    [true, 'unconfirmed'],
  ])('accepts refund_pending with final %s and refund %s (MFN v0 / MWS bridge)', (final, status) => {
    const pending = withData({
      outcome: 'refund_pending',
      final,
      labelRefund: { ...example.data.labelRefund, status: 'pending' },
      refund: { status, source: 'none' },
    });
    expect(issuesOf(pending)).toEqual([]);
  });

  it('rejects refund_pending with a refund that is not pending', () => {
    const refund = { status: 'pending', source: 'none' };
    expect(issuesOf(withData({ outcome: 'refund_pending', final: false, refund }))).toEqual([
      { path: '/data/labelRefund/status', message: 'must be "pending" when outcome is refund_pending' },
    ]);
  });

  it('rejects a final refund_pending whose refund is not unconfirmed', () => {
    const labelRefund = { ...example.data.labelRefund, status: 'pending' };
    const refund = { status: 'pending', source: 'none' };
    const issues = issuesOf(withData({ outcome: 'refund_pending', final: true, labelRefund, refund }));
    expect(issues).toEqual([expect.objectContaining({ path: '/data/refund/status' })]);
  });

  it.each(['voided', 'already_cancelled'])('rejects %s with final false', (outcome) => {
    const refund = { status: 'pending', source: 'none' };
    expect(issuesOf(withData({ outcome, final: false, refund }))).toEqual([
      { path: '/data/final', message: 'must be true when outcome is voided or already_cancelled' },
    ]);
  });

  it('carries the refund amount only when the refund is applied', () => {
    expect(issuesOf(withData({ refund: { status: 'applied', source: 'label_cost' } }))).toEqual([
      expect.objectContaining({ path: '/data/refund/amount' }),
      expect.objectContaining({ path: '/data/refund/currency' }),
    ]);
    const none = { status: 'none', amount: '8.45', currency: 'USD', source: 'label_cost' };
    expect(issuesOf(withData({ outcome: 'already_cancelled', refund: none }))).not.toEqual([]);
    expect(issuesOf(withData({ refund: { status: 'none', source: 'none' } }))).toEqual([]);
  });

  it('carries the sequence from 1, and supersedes only as an event id', () => {
    expect(issuesOf(withData({ sequence: 0 }))).toEqual([
      expect.objectContaining({ path: '/data/sequence' }),
    ]);
    expect(issuesOf(withData({ supersedes: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', sequence: 2 }))).toEqual(
      [],
    );
    expect(issuesOf(withData({ supersedes: 'earlier' }))).toEqual([
      expect.objectContaining({ path: '/data/supersedes' }),
    ]);
  });

  it('rejects a badly formed label refund', () => {
    const labelRefund = { amount: '8.4.5', currency: 'US', status: 'refunded' };
    expect(issuesOf(withData({ labelRefund }))).toEqual([
      {
        path: '/data/labelRefund/amount',
        message: 'must be a decimal with at most 10 integer digits and 4 decimals',
      },
      { path: '/data/labelRefund/currency', message: 'must match ^[A-Z]{3}$' },
      { path: '/data/labelRefund/status', message: 'must be one of: applied, pending, rejected, none' },
    ]);
  });

  it('rejects fields that are not in the contract (outputs are closed)', () => {
    expect(issuesOf(withData({ refundAmount: '8.45' } as object))).toEqual([
      { path: '/data/refundAmount', message: 'is not allowed' },
    ]);
  });

  it('does not let a field be dropped', () => {
    const { correlationId: _c, causationId: _k, reshipEligible: _r, ...rest } = example.data;
    expect(issuesOf({ ...example, data: rest })).toEqual([
      { path: '/data/causationId', message: 'is required' },
      { path: '/data/correlationId', message: 'is required' },
      { path: '/data/reshipEligible', message: 'is required' },
    ]);
  });

  it('checks the carrier exchange', () => {
    const carrier = { ...example.data.carrier, requestId: 7, httpStatus: 42, api: 'fedex' };
    expect(issuesOf(withData({ carrier }))).toEqual([
      {
        path: '/data/carrier/api',
        message: 'must be one of: amazon-shipping-v2, amazon-mfn-mws, amazon-mfn-v0',
      },
      { path: '/data/carrier/requestId', message: 'must be a string or null' },
      { path: '/data/carrier/httpStatus', message: 'must be >= 100' },
    ]);
    const { errorCode: _e, ...withoutErrorCode } = example.data.carrier;
    expect(issuesOf(withData({ carrier: withoutErrorCode }))).toEqual([
      { path: '/data/carrier/errorCode', message: 'is required' },
    ]);
  });

  it('validateEvent throws EventValidationError with the issues', () => {
    const bad = withData({ cancellationId: 'c-1', trigger: 'cron' });
    expect(() => validateEvent(bad)).toThrow(EventValidationError);
    try {
      validateEvent(bad);
    } catch (error) {
      expect(error).toMatchObject({
        name: 'EventValidationError',
        kind: 'schema_invalid',
        message:
          'Invalid oms.shipment.cancelled: data/cancellationId: must be a UUID; ' +
          'data/trigger: must be one of: order_event, admin',
        issues: [
          { path: '/data/cancellationId', message: 'must be a UUID' },
          { path: '/data/trigger', message: 'must be one of: order_event, admin' },
        ],
      });
    }
  });
});
