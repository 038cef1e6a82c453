import { createEvent, decodeEvent, encodeEvent, EventTypes, Examples } from './index';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createEvent', () => {
  it('wraps a payload in a valid CloudEvents 1.0 envelope', () => {
    const event = createEvent(EventTypes.shipmentCancelled, Examples.shipmentCancelled.data, {
      source: '/oms/shipment-cancellation',
      time: new Date('2025-03-14T09:26:54.050Z'),
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(uuidPattern),
      source: '/oms/shipment-cancellation',
      type: 'oms.shipment.cancelled',
      time: '2025-03-14T09:26:54.050Z',
      datacontenttype: 'application/json',
      subject: Examples.shipmentCancelled.data.orderId,
      data: Examples.shipmentCancelled.data,
    });
    expect(decodeEvent(encodeEvent(event))).toEqual({ ok: true, event });
  });

  it('gives each event a new id unless one is passed, and defaults time to now', () => {
    const data = Examples.orderCancelled.data;
    const a = createEvent(EventTypes.orderCancelled, data, { source: '/x' });
    const b = createEvent(EventTypes.orderCancelled, data, { source: '/x' });
    expect(a.id).not.toBe(b.id);
    expect(Math.abs(Date.parse(a.time) - Date.now())).toBeLessThan(5000);
    const fixed = '0b7d3f0e-7d7a-4c39-9d4e-2f1b8a6c5e42';
    expect(createEvent(EventTypes.orderCancelled, data, { source: '/x', id: fixed }).id).toBe(fixed);
  });

  it('uses the given subject and dataschema', () => {
    const event = createEvent(EventTypes.deadLetter, Examples.deadLetter.data, {
      source: '/x',
      subject: 'key-1',
      dataschema: 'https://example.com/schemas/dead-letter.json',
    });
    expect(event).toMatchObject({
      subject: 'key-1',
      dataschema: 'https://example.com/schemas/dead-letter.json',
    });
    expect(decodeEvent(event).ok).toBe(true);
    const noSubject = createEvent(EventTypes.deadLetter, Examples.deadLetter.data, { source: '/x' });
    expect('subject' in noSubject).toBe(false);
  });
});

describe('encodeEvent', () => {
  it('is UTF-8 JSON that decodes to the same event', () => {
    const event = {
      ...Examples.orderCancelled,
      data: { ...Examples.orderCancelled.data, reason: 'café ☕' },
    };
    const bytes = encodeEvent(event);
    expect(bytes).toBeInstanceOf(Buffer);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(event);
    expect(decodeEvent(bytes)).toEqual({ ok: true, event });
  });
});

describe('the envelope', () => {
  const example = Examples.orderCancelled;

  it.each([
    ['specversion', '0.3', 'must be "1.0"'],
    ['id', 'evt-1', 'must be a UUID'],
    ['id', 'urn:uuid:6f1c2b9e-7d1a-4f0e-9a51-2c8d3e4f5a61', 'must be a UUID'],
    ['source', '', 'must be a non-empty string'],
    ['source', 'not a uri', 'must be a URI reference'],
    [
      'time',
      '2025-03-14T09:26:53',
      'must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T09:30:00Z',
    ],
    ['datacontenttype', 'text/plain', 'must be "application/json"'],
    ['subject', '', 'must be a non-empty string'],
    ['dataschema', 'schemas/x', 'must be an absolute URI'],
    ['data', 'text', 'must be an object'],
    ['type', 7, 'must be a non-empty string'],
    // What we store must fit; an unknown type is echoed into the dead letter, so it must be storable too.
    ['source', `/${'x'.repeat(256)}`, 'must have at most 256 characters'],
    ['type', 'oms.order\u0000cancelled', 'must not contain control characters or unpaired surrogates'],
    ['type', 'x'.repeat(300), 'must have at most 256 characters'],
    ['time', '9999-12-31T23:59:59Z', 'must be between 2000-01-01 and 2199-12-31'],
    ['time', '1900-01-01T00:00:00Z', 'must be between 2000-01-01 and 2199-12-31'],
    ['correlationid', 'corr\u0000', 'must not contain control characters or unpaired surrogates'],
    ['correlationid', 'x'.repeat(300), 'must have at most 256 characters'],
    ['correlationid', 42, 'must be a string'],
  ])('rejects %s = %j: %s', (field, value, message) => {
    expect(decodeEvent({ ...example, [field]: value })).toEqual({
      ok: false,
      kind: 'invalid_envelope',
      message: `${field}: ${message}`,
      issues: [{ path: `/${field}`, message }],
    });
  });

  it('requires every CloudEvents attribute', () => {
    const { specversion: _s, time: _t, data: _d, ...rest } = example;
    const result = decodeEvent(rest);
    expect(result).toEqual({
      ok: false,
      kind: 'invalid_envelope',
      message: 'specversion: is required; time: is required; data: is required',
      issues: [
        { path: '/specversion', message: 'is required' },
        { path: '/time', message: 'is required' },
        { path: '/data', message: 'is required' },
      ],
    });
  });

  it.each(['', '6f1c2b9e-7d1a-4f0e-9a51-2c8d3e4f5a61', 'x'.repeat(256)])(
    'accepts the correlationid extension %j',
    (correlationid) => {
      const event = { ...example, correlationid };
      expect(decodeEvent(event)).toEqual({ ok: true, event });
    },
  );

  it('allows CloudEvents extension attributes', () => {
    const event = { ...example, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(decodeEvent(event)).toEqual({ ok: true, event });
  });

  it('checks each time against its range as an instant, message after message', () => {
    // Many distinct times in a row (more than the validator remembers), in and out of the range, in other
    // time zones and with a leap second: each is judged by its own instant, as Date.parse reads it.
    const earliest = Date.parse('2000-01-01T00:00:00Z');
    const latest = Date.parse('2199-12-31T23:59:59.999Z');
    for (let i = 0; i < 300; i += 1) {
      const ms = Date.parse('1999-12-31T12:00:00Z') + i * 7_919_000;
      const shifted = new Date(ms + 5 * 3_600_000).toISOString().replace('Z', '+05:00');
      const time = i % 3 === 0 ? shifted : new Date(ms).toISOString();
      const inRange = ms >= earliest && ms <= latest;
      expect([time, decodeEvent({ ...example, time }).ok]).toEqual([time, inRange]);
    }
    for (const [time, ok] of [
      ['2199-12-31T23:59:59.999Z', true],
      ['2200-01-01T00:59:59.999+01:00', true],
      ['2200-01-01T01:00:00+01', false],
      ['1999-12-31T23:59:60Z', false],
      ['2016-12-31T23:59:60Z', true],
    ] as const) {
      expect([time, decodeEvent({ ...example, time }).ok]).toEqual([time, ok]);
    }
  });
});
