import { canonicalJson, requestHash } from './request-hash';

describe('idempotency request identity', () => {
  it('writes JSON with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it('sees the same request in any key order, and another request in any other action, target or body', () => {
    const base = requestHash('cancel_order', { orderId: 'o-1' }, { reason: 'r' });
    expect(requestHash('cancel_order', { orderId: 'o-1' }, { reason: 'r' })).toBe(base);
    expect(requestHash('cancel_order', { orderId: 'o-2' }, { reason: 'r' })).not.toBe(base);
    expect(requestHash('cancel_order', { orderId: 'o-1' }, { reason: 'r ' })).not.toBe(base);
    expect(requestHash('cancel_shipment', { orderId: 'o-1' }, { reason: 'r' })).not.toBe(base);
    expect(requestHash('x', { a: '1', b: '2' }, {})).toBe(requestHash('x', { b: '2', a: '1' }, {}));
  });
});
