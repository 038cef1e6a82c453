import { decodeEvent, decodeShipmentPurchased, Examples, type ShipmentPurchased } from './index';

const example = Examples.shipmentPurchased;

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

  it.each(['.5', '12.', '1,50', '12.34567', '+1', ' 12.34', ''])('rejects labelCost.amount %j', (amount) => {
    const result = decodeEvent(
      withData({ ...example.data, labelCost: { ...example.data.labelCost, amount } }),
    );
    expect(result).toMatchObject({
      kind: 'schema_invalid',
      issues: [{ path: '/data/labelCost/amount', message: 'must match ^-?\\d+(\\.\\d{1,4})?$' }],
    });
  });

  it.each(['12', '12.3', '12.34', '0.1234', '-3.50'])('accepts labelCost.amount %j', (amount) => {
    const result = decodeEvent(
      withData({ ...example.data, labelCost: { ...example.data.labelCost, amount } }),
    );
    expect(result.ok).toBe(true);
  });

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

  it('ignores fields it does not know (inputs are read tolerantly)', () => {
    expect(decodeEvent(withData({ ...example.data, warehouseId: 'w1' })).ok).toBe(true);
  });
});
