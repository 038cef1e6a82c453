import { decodeEvent, decodeShipmentPurchased, Examples, type ShipmentPurchased } from './index';

const example = Examples.shipmentPurchased;
const amountMessage = 'must be a non-negative decimal with at most 10 integer digits and 4 decimals';

function withData(data: object): unknown {
  return { ...example, data };
}

function without<K extends keyof ShipmentPurchased>(key: K): Omit<ShipmentPurchased, K> {
  const { [key]: _removed, ...rest } = example.data;
  return rest;
}

describe('ShipmentPurchased', () => {
  it('accepts its example', () => {
    expect(decodeShipmentPurchased(JSON.stringify(example))).toEqual({ ok: true, event: example });
  });

  it('rejects amazon-shipping-v2 without businessId', () => {
    const result = decodeEvent(withData(without('businessId')));
    expect(result).toEqual({
      ok: false,
      kind: 'schema_invalid',
      message: 'data/businessId: is required when carrier is amazon-shipping-v2',
      issues: [{ path: '/data/businessId', message: 'is required when carrier is amazon-shipping-v2' }],
    });
  });

  it.each(['amazon-mfn-mws', 'amazon-mfn-v0'])('rejects %s without marketplaceId', (carrier) => {
    const result = decodeEvent(withData({ ...without('marketplaceId'), carrier }));
    expect(result).toMatchObject({
      ok: false,
      kind: 'schema_invalid',
      issues: [
        {
          path: '/data/marketplaceId',
          message: 'is required when carrier is amazon-mfn-mws or amazon-mfn-v0',
        },
      ],
    });
  });

  it('accepts an MFN shipment with marketplaceId and no businessId', () => {
    const data = { ...without('businessId'), carrier: 'amazon-mfn-mws', marketplaceId: 'ATVPDKIKX0DER' };
    expect(decodeEvent(withData(data)).ok).toBe(true);
  });

  it('rejects an unknown carrier', () => {
    expect(decodeEvent(withData({ ...example.data, carrier: 'ups' }))).toMatchObject({
      issues: [
        {
          path: '/data/carrier',
          message: 'must be one of: amazon-shipping-v2, amazon-mfn-mws, amazon-mfn-v0',
        },
      ],
    });
  });

  it('refuses an amount numeric(14, 4) cannot hold, at decode, with the exact path and message', () => {
    const labelCost = { ...example.data.labelCost, amount: '123456789012345.00' };
    expect(decodeShipmentPurchased(withData({ ...example.data, labelCost }))).toEqual({
      ok: false,
      kind: 'schema_invalid',
      message:
        'data/labelCost/amount: must be a non-negative decimal with at most 10 integer digits and 4 decimals',
      issues: [{ path: '/data/labelCost/amount', message: amountMessage }],
    });
  });

  it.each([
    '-3.50',
    '-0',
    '12345678901',
    '12345678901.5',
    '.5',
    '12.',
    '1,50',
    '12.34567',
    '+1',
    ' 12.34',
    '',
  ])('rejects labelCost.amount %j', (amount) => {
    const result = decodeEvent(
      withData({ ...example.data, labelCost: { ...example.data.labelCost, amount } }),
    );
    expect(result).toEqual({
      ok: false,
      kind: 'schema_invalid',
      message: `data/labelCost/amount: ${amountMessage}`,
      issues: [{ path: '/data/labelCost/amount', message: amountMessage }],
    });
  });

  it.each(['0', '12', '12.3', '12.34', '0.1234', '9999999999.9999'])(
    'accepts labelCost.amount %j',
    (amount) => {
      const result = decodeEvent(
        withData({ ...example.data, labelCost: { ...example.data.labelCost, amount } }),
      );
      expect(result.ok).toBe(true);
    },
  );

  it('rejects a numeric amount and a lower-case currency, one issue each', () => {
    const result = decodeEvent(withData({ ...example.data, labelCost: { amount: 12.34, currency: 'usd' } }));
    expect(result).toEqual({
      ok: false,
      kind: 'schema_invalid',
      message: 'data/labelCost/amount: must be a string; data/labelCost/currency: must match ^[A-Z]{3}$',
      issues: [
        { path: '/data/labelCost/amount', message: 'must be a string' },
        { path: '/data/labelCost/currency', message: 'must match ^[A-Z]{3}$' },
      ],
    });
  });

  it('requires labelCost, sellerAccount and carrierShipmentId', () => {
    const { labelCost: _l, sellerAccount: _s, carrierShipmentId: _c, ...rest } = example.data;
    const result = decodeEvent(withData(rest));
    expect(result.ok ? [] : result.issues).toEqual([
      { path: '/data/carrierShipmentId', message: 'is required' },
      { path: '/data/sellerAccount', message: 'is required' },
      { path: '/data/labelCost', message: 'is required' },
    ]);
  });

  it('rejects a cancel window without a time zone', () => {
    const result = decodeEvent(withData({ ...example.data, cancelWindowEndsAt: '2025-03-15 17:02:11' }));
    expect(result).toMatchObject({
      issues: [
        {
          path: '/data/cancelWindowEndsAt',
          message: 'must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T09:30:00Z',
        },
      ],
    });
  });

  describe('what we store must fit', () => {
    const ids = [
      'orderId',
      'shipmentId',
      'carrierShipmentId',
      'businessId',
      'marketplaceId',
      'sellerAccount',
      'trackingId',
      'carrierId',
    ] as const;

    it.each(ids)('refuses a %s of 300 characters', (field) => {
      expect(decodeEvent(withData({ ...example.data, [field]: 'x'.repeat(300) }))).toEqual({
        ok: false,
        kind: 'schema_invalid',
        message: `data/${field}: must have at most 256 characters`,
        issues: [{ path: `/data/${field}`, message: 'must have at most 256 characters' }],
      });
    });

    it.each(ids)('refuses a %s holding a NUL, a control character or DEL', (field) => {
      for (const value of ['a\u0000b', 'a\nb', '\u001f', 'a\u007f', 'a\u0085']) {
        expect(decodeEvent(withData({ ...example.data, [field]: value }))).toEqual({
          ok: false,
          kind: 'schema_invalid',
          message: `data/${field}: must not contain control characters or unpaired surrogates`,
          issues: [
            { path: `/data/${field}`, message: 'must not contain control characters or unpaired surrogates' },
          ],
        });
      }
    });

    it('accepts ids of 256 characters, in any script', () => {
      const data = { ...example.data, shipmentId: 'x'.repeat(256), sellerAccount: 'vendeur-é-日本-🚚' };
      expect(decodeEvent(withData(data)).ok).toBe(true);
    });

    it.each([
      ['purchasedAt', '9999-12-31T23:59:59Z'],
      ['purchasedAt', '1900-01-01T00:00:00Z'],
      ['purchasedAt', '1970-01-01T00:00:00Z'],
      ['purchasedAt', '1999-12-31T23:59:59.999Z'],
      ['cancelWindowEndsAt', '2200-01-01T00:00:00Z'],
      ['cancelWindowEndsAt', '9999-01-31T09:30:00+01'],
    ])('refuses a %s of %s', (field, value) => {
      expect(decodeEvent(withData({ ...example.data, [field]: value }))).toEqual({
        ok: false,
        kind: 'schema_invalid',
        message: `data/${field}: must be between 2000-01-01 and 2199-12-31`,
        issues: [{ path: `/data/${field}`, message: 'must be between 2000-01-01 and 2199-12-31' }],
      });
    });

    it('accepts the first and the last instant of the range', () => {
      const data = {
        ...example.data,
        purchasedAt: '2000-01-01T00:00:00Z',
        cancelWindowEndsAt: '2199-12-31T23:59:59.999Z',
      };
      expect(decodeEvent(withData(data)).ok).toBe(true);
    });

    it('still decodes a normal event', () => {
      expect(decodeShipmentPurchased(Buffer.from(JSON.stringify(example)))).toEqual({
        ok: true,
        event: example,
      });
    });
  });

  it('ignores fields it does not know (inputs are read tolerantly)', () => {
    expect(decodeEvent(withData({ ...example.data, warehouseId: 'w1' })).ok).toBe(true);
  });
});
