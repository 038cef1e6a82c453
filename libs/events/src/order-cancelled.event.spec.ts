import { decodeEvent, decodeOrderCancelled, EventTypes, Examples } from './index';

const example = Examples.orderCancelled;

describe('OrderCancelled', () => {
  it('accepts its example from a Buffer, a string and an object', () => {
    for (const raw of [Buffer.from(JSON.stringify(example)), JSON.stringify(example), example]) {
      expect(decodeOrderCancelled(raw)).toEqual({ ok: true, event: example });
    }
  });

  it('accepts the minimal payload', () => {
    const data = { schemaVersion: 1, orderId: 'o-1', cancelledAt: '2025-03-14T09:26:53+01:00' };
    expect(decodeOrderCancelled({ ...example, data })).toEqual({ ok: true, event: { ...example, data } });
  });

  it('rejects an empty order id with the exact path and message', () => {
    expect(decodeOrderCancelled({ ...example, data: { ...example.data, orderId: '' } })).toEqual({
      ok: false,
      kind: 'schema_invalid',
      message: 'data/orderId: must be a non-empty string',
      issues: [{ path: '/data/orderId', message: 'must be a non-empty string' }],
    });
  });

  it('reports every problem, one issue each', () => {
    const data = { schemaVersion: 2, orderId: 42, cancelledAt: 'yesterday', requestedBy: '' };
    const result = decodeOrderCancelled({ ...example, data });
    expect(result.ok ? [] : result.issues).toEqual([
      { path: '/data/schemaVersion', message: 'must be 1' },
      { path: '/data/orderId', message: 'must be a non-empty string' },
      {
        path: '/data/cancelledAt',
        message: 'must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T09:30:00Z',
      },
      { path: '/data/requestedBy', message: 'must be a non-empty string' },
    ]);
  });

  it('requires orderId and cancelledAt', () => {
    const result = decodeEvent({ ...example, data: { schemaVersion: 1 } });
    expect(result).toMatchObject({
      kind: 'schema_invalid',
      issues: [
        { path: '/data/orderId', message: 'is required' },
        { path: '/data/cancelledAt', message: 'is required' },
      ],
    });
  });

  describe('what we store must fit', () => {
    function withData(data: object): unknown {
      return { ...example, data: { ...example.data, ...data } };
    }

    it('refuses an orderId holding NUL at decode, with the exact path and message', () => {
      const raw = Buffer.from(JSON.stringify(withData({ orderId: '113-4567890\u00001234567' })));
      expect(raw.includes('\\u0000')).toBe(true);
      expect(decodeOrderCancelled(raw)).toEqual({
        ok: false,
        kind: 'schema_invalid',
        message: 'data/orderId: must not contain control characters or unpaired surrogates',
        issues: [
          { path: '/data/orderId', message: 'must not contain control characters or unpaired surrogates' },
        ],
      });
    });

    it('refuses an orderId holding an unpaired surrogate (jsonb refuses it), and accepts a surrogate pair', () => {
      const raw = JSON.stringify(withData({ orderId: 'order-\ud800' }));
      expect(raw).toContain('\\ud800');
      expect(decodeOrderCancelled(raw)).toMatchObject({
        kind: 'schema_invalid',
        issues: [
          { path: '/data/orderId', message: 'must not contain control characters or unpaired surrogates' },
        ],
      });
      expect(
        decodeOrderCancelled(withData({ orderId: 'order-\u{1F600}', reason: 'gift \u{1F381}' })).ok,
      ).toBe(true);
    });

    it.each(['orderId', 'marketplaceId', 'requestedBy'])('refuses a %s of 300 characters', (field) => {
      expect(decodeOrderCancelled(withData({ [field]: 'x'.repeat(300) }))).toEqual({
        ok: false,
        kind: 'schema_invalid',
        message: `data/${field}: must have at most 256 characters`,
        issues: [{ path: `/data/${field}`, message: 'must have at most 256 characters' }],
      });
    });

    it.each(['marketplaceId', 'requestedBy'])('refuses a %s holding a control character', (field) => {
      expect(decodeOrderCancelled(withData({ [field]: 'cs\u001b[31m' }))).toMatchObject({
        kind: 'schema_invalid',
        issues: [
          { path: `/data/${field}`, message: 'must not contain control characters or unpaired surrogates' },
        ],
      });
    });

    it('refuses a reason over 2,000 characters or holding a control character', () => {
      expect(decodeOrderCancelled(withData({ reason: 'r'.repeat(2001) }))).toMatchObject({
        kind: 'schema_invalid',
        issues: [{ path: '/data/reason', message: 'must have at most 2000 characters' }],
      });
      for (const reason of ['a\u0000', 'bell\u0007', 'del\u007f']) {
        expect(decodeOrderCancelled(withData({ reason }))).toMatchObject({
          kind: 'schema_invalid',
          issues: [
            {
              path: '/data/reason',
              message:
                'must not contain control characters (but tabs and line breaks) or unpaired surrogates',
            },
          ],
        });
      }
    });

    it('accepts a reason of 2,000 characters with tabs and line breaks', () => {
      const reason = 'Customer called:\r\n\tchanged their mind.\n'.padEnd(2000, 'r');
      expect(reason).toHaveLength(2000);
      expect(decodeOrderCancelled(withData({ reason })).ok).toBe(true);
    });

    it.each([
      ['9999-12-31T23:59:59Z'],
      ['1900-01-01T00:00:00Z'],
      ['0000-01-01T00:00:00Z'],
      // 1999-12-31T23:30:00Z: the range is compared in UTC.
      ['2000-01-01T00:30:00+01:00'],
      // A leap second, which Date.parse does not read.
      ['2200-06-30T23:59:60Z'],
    ])('refuses cancelledAt %s', (cancelledAt) => {
      expect(decodeOrderCancelled(withData({ cancelledAt }))).toEqual({
        ok: false,
        kind: 'schema_invalid',
        message: 'data/cancelledAt: must be between 2000-01-01 and 2199-12-31',
        issues: [{ path: '/data/cancelledAt', message: 'must be between 2000-01-01 and 2199-12-31' }],
      });
    });

    it('reports a malformed date-time once, as malformed', () => {
      expect(decodeOrderCancelled(withData({ cancelledAt: '1900-01-01' }))).toMatchObject({
        issues: [
          {
            path: '/data/cancelledAt',
            message: 'must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T09:30:00Z',
          },
        ],
      });
    });

    it('still decodes a normal event', () => {
      expect(decodeOrderCancelled(Buffer.from(JSON.stringify(example)))).toEqual({
        ok: true,
        event: example,
      });
    });
  });

  it('is not accepted where a ShipmentPurchased is expected', () => {
    expect(decodeEvent(example, EventTypes.shipmentPurchased)).toEqual({
      ok: false,
      kind: 'unknown_type',
      message: 'type: must be oms.shipment.purchased, got oms.order.cancelled',
      issues: [{ path: '/type', message: 'must be oms.shipment.purchased, got oms.order.cancelled' }],
    });
  });
});
