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

  it('is not accepted where a ShipmentPurchased is expected', () => {
    expect(decodeEvent(example, EventTypes.shipmentPurchased)).toEqual({
      ok: false,
      kind: 'unknown_type',
      message: 'type: must be oms.shipment.purchased, got oms.order.cancelled',
      issues: [{ path: '/type', message: 'must be oms.shipment.purchased, got oms.order.cancelled' }],
    });
  });
});
