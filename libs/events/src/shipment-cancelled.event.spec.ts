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

  it.each([false, true])('accepts refund_pending with a pending refund and final %s (MFN)', (final) => {
    const pending = withData({
      outcome: 'refund_pending',
      final,
      labelRefund: { ...example.data.labelRefund, status: 'pending' },
    });
    expect(issuesOf(pending)).toEqual([]);
  });

  it('rejects refund_pending with a refund that is not pending', () => {
    expect(issuesOf(withData({ outcome: 'refund_pending', final: false }))).toEqual([
      { path: '/data/labelRefund/status', message: 'must be "pending" when outcome is refund_pending' },
    ]);
  });

  it.each(['voided', 'already_cancelled'])('rejects %s with final false', (outcome) => {
    expect(issuesOf(withData({ outcome, final: false }))).toEqual([
      { path: '/data/final', message: 'must be true when outcome is voided or already_cancelled' },
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
