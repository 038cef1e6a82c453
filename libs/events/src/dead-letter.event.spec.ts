import {
  createDeadLetterRecord,
  createEvent,
  decodeEvent,
  EventTypes,
  Examples,
  validateEvent,
} from './index';

describe('DeadLetterRecord', () => {
  it('accepts its example', () => {
    expect(decodeEvent(Examples.deadLetter)).toEqual({ ok: true, event: Examples.deadLetter });
  });

  it('is built losslessly from a message that failed to decode', () => {
    const value = Buffer.from([0x7b, 0xff, 0xfe]);
    const failure = decodeEvent(value);
    if (failure.ok) throw new Error('expected a failure');
    const record = createDeadLetterRecord(
      'shipment-cancellation',
      {
        topic: 'oms.order.cancelled.v1',
        partition: 2,
        offset: '9007199254740993',
        key: Buffer.from('113-1'),
        value,
        timestamp: '1741946400250',
        headers: {
          trace: Buffer.from('abc'),
          bin: Buffer.from([0xc3, 0x28]),
          many: ['a', Buffer.from('b')],
          none: undefined,
        },
      },
      failure,
      new Date('2025-03-14T10:00:01Z'),
    );
    expect(record).toEqual({
      schemaVersion: 1,
      consumerGroup: 'shipment-cancellation',
      source: {
        topic: 'oms.order.cancelled.v1',
        partition: 2,
        offset: '9007199254740993',
        key: '113-1',
        timestamp: '2025-03-14T10:00:00.250Z',
      },
      headers: { trace: 'abc', bin: 'base64:wyg=', many: 'a, b' },
      payload: { base64: 'e//+', utf8: null },
      error: {
        kind: 'not_json',
        message: '(message): is not valid UTF-8',
        issues: [{ path: '', message: 'is not valid UTF-8' }],
      },
      deadLetteredAt: '2025-03-14T10:00:01.000Z',
    });
    expect(Buffer.from(record.payload.base64, 'base64')).toEqual(value);
    const event = createEvent(EventTypes.deadLetter, record, { source: '/oms/shipment-cancellation' });
    expect(validateEvent(event)).toBe(event);
  });

  it('keeps the text of a UTF-8 payload and a null key', () => {
    const failure = decodeEvent('{"type":1}');
    if (failure.ok) throw new Error('expected a failure');
    const record = createDeadLetterRecord(
      'g',
      { topic: 't', partition: 0, offset: '0', key: null, value: '{"type":1}', timestamp: new Date(0) },
      failure,
    );
    expect(record.payload).toEqual({
      base64: Buffer.from('{"type":1}').toString('base64'),
      utf8: '{"type":1}',
    });
    expect(record.source.key).toBeNull();
    expect(record.error.kind).toBe('invalid_envelope');
  });

  it('rejects a record with an epoch timestamp or a bad offset', () => {
    const data = {
      ...Examples.deadLetter.data,
      source: { ...Examples.deadLetter.data.source, timestamp: '1741946400250', offset: '-1' },
    };
    const result = decodeEvent({ ...Examples.deadLetter, data });
    expect(result.ok ? [] : result.issues).toEqual([
      { path: '/data/source/offset', message: 'must match ^\\d+$' },
      {
        path: '/data/source/timestamp',
        message: 'must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T09:30:00Z',
      },
    ]);
  });
});
