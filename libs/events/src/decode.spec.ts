import { decodeEvent, EventTypes, Examples, validateEvent, type AnyEvent } from './index';

describe('decodeEvent', () => {
  it.each([
    ['truncated JSON', '{"specversion":', 'is not JSON (Unexpected end of JSON input)'],
    ['plain text', 'hello', expect.stringMatching(/^is not JSON \(Unexpected token/)],
    ['an empty message', '', 'is empty'],
    ['a null value (tombstone)', null, 'message has no value'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'is not valid UTF-8'],
  ])('reports %s as not_json', (_name, raw, message) => {
    expect(decodeEvent(raw)).toEqual({
      ok: false,
      kind: 'not_json',
      message: expect.stringMatching(/^\(message\): /),
      issues: [{ path: '', message }],
    });
  });

  it.each([['[]'], ['"text"'], ['42'], ['null']])('reports the JSON %s as invalid_envelope', (raw) => {
    expect(decodeEvent(raw)).toEqual({
      ok: false,
      kind: 'invalid_envelope',
      message: '(message): must be a JSON object (a CloudEvent)',
      issues: [{ path: '', message: 'must be a JSON object (a CloudEvent)' }],
    });
  });

  it('reports a type we do not know as unknown_type', () => {
    const raw = JSON.stringify({ ...Examples.orderCancelled, type: 'oms.order.created' });
    expect(decodeEvent(raw)).toEqual({
      ok: false,
      kind: 'unknown_type',
      message: 'type: is not a known event type: oms.order.created',
      issues: [{ path: '/type', message: 'is not a known event type: oms.order.created' }],
    });
  });

  it('checks the envelope before the type, and the type before the data', () => {
    const badEverything = { ...Examples.orderCancelled, id: 'x', type: 'nope', data: {} };
    expect(decodeEvent(badEverything)).toMatchObject({ kind: 'invalid_envelope' });
    expect(decodeEvent({ ...badEverything, id: Examples.orderCancelled.id })).toMatchObject({
      kind: 'unknown_type',
    });
    const wrongData = { ...Examples.orderCancelled, data: Examples.shipmentPurchased.data };
    expect(decodeEvent(wrongData)).toMatchObject({
      kind: 'schema_invalid',
      issues: [{ path: '/data/cancelledAt', message: 'is required' }],
    });
  });

  it('accepts any of several expected types', () => {
    const expected = [EventTypes.orderCancelled, EventTypes.shipmentPurchased];
    expect(decodeEvent(Examples.shipmentPurchased, expected).ok).toBe(true);
    expect(decodeEvent(Examples.shipmentCancelled, expected)).toMatchObject({
      kind: 'unknown_type',
      issues: [
        {
          path: '/type',
          message: 'must be oms.order.cancelled or oms.shipment.purchased, got oms.shipment.cancelled',
        },
      ],
    });
  });

  it('returns a discriminated union on type', () => {
    const result = decodeEvent(JSON.stringify(Examples.manualReshipRequired));
    if (!result.ok) throw new Error(result.message);
    const event: AnyEvent = result.event;
    // Narrowing on `type` gives the payload type: this line would not compile otherwise.
    const count = event.type === EventTypes.manualReshipRequired ? event.data.shipmentCount : 0;
    expect(count).toBe(3);
  });

  it('decodes 5,000 messages well within a second (validators are compiled once)', () => {
    const bytes = [Examples.orderCancelled, Examples.shipmentPurchased].map((e) =>
      Buffer.from(JSON.stringify(e)),
    );
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      if (!decodeEvent(bytes[i % 2]).ok) throw new Error('example did not decode');
    }
    // The service needs >= 1,000 msg/s end to end; decoding must be a small part of that budget.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('validateEvent', () => {
  it.each(Object.entries(Examples))('passes the %s example through', (_name, example) => {
    expect(validateEvent(example)).toBe(example);
  });

  it('holds outputs to the same limits as the inputs they are built from', () => {
    const example = Examples.shipmentCancelled;
    const event = { ...example, data: { ...example.data, orderId: 'x'.repeat(300), shipmentId: 's\u0000' } };
    expect(() => validateEvent(event)).toThrow(
      'Invalid oms.shipment.cancelled: data/orderId: must have at most 256 characters; ' +
        'data/shipmentId: must not contain control characters or unpaired surrogates',
    );
  });

  it('throws for something that is not an event at all', () => {
    expect(() => validateEvent('oops')).toThrow(
      'Invalid event: (message): must be a JSON object (a CloudEvent)',
    );
    expect(() => validateEvent({ ...Examples.orderCancelled, type: 'x' })).toThrow(
      'Invalid event: type: is not a known event type: x',
    );
  });
});
