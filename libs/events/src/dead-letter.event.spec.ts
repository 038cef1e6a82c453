import { createHash } from 'node:crypto';
import {
  createDeadLetterRecord,
  DEAD_LETTER_RECORD_BUDGET,
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
      payload: {
        base64: 'e//+',
        utf8: null,
        bytes: 3,
        sha256: createHash('sha256').update(value).digest('hex'),
      },
      error: {
        kind: 'not_json',
        message: '(message): is not valid UTF-8',
        issues: [{ path: '', message: 'is not valid UTF-8' }],
      },
      deadLetteredAt: '2025-03-14T10:00:01.000Z',
    });
    expect(Buffer.from(record.payload.base64 ?? '', 'base64')).toEqual(value);
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
    expect(record.payload).toMatchObject({
      base64: Buffer.from('{"type":1}').toString('base64'),
      utf8: '{"type":1}',
      bytes: 10,
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

  describe('whatever the message holds, the record is storable and publishable', () => {
    const reason = { kind: 'store_rejected' as const, message: 'numeric field overflow', issues: [] };
    const build = (message: Partial<Parameters<typeof createDeadLetterRecord>[1]>) =>
      createDeadLetterRecord(
        'g',
        { topic: 't', partition: 0, offset: '7', key: null, value: null, timestamp: '0', ...message },
        reason,
      );
    const noNul = (record: unknown) => expect(JSON.stringify(record)).not.toContain('\\u0000');
    const valid = (record: ReturnType<typeof build>) => {
      const event = createEvent(EventTypes.deadLetter, record, { source: '/oms/shipment-cancellation' });
      expect(validateEvent(event)).toBe(event);
    };

    it('shows NUL as U+FFFD in the text view and keeps the bytes', () => {
      const value = Buffer.from('{"bad":"a\u0000b"}');
      const record = build({ value });
      expect(record.payload.utf8).toBe('{"bad":"a\ufffdb"}');
      expect(Buffer.from(record.payload.base64 ?? '', 'base64')).toEqual(value);
      noNul(record);
      valid(record);
    });

    it('base64-encodes a key or header holding NUL, and cleans NUL from the error text', () => {
      const record = createDeadLetterRecord(
        'g',
        {
          topic: 't',
          partition: 0,
          offset: '1',
          key: 'k\u0000',
          value: 'x',
          timestamp: '0',
          headers: { h: 'a\u0000' },
        },
        {
          kind: 'schema_invalid',
          message: 'bad \u0000',
          issues: [{ path: '/data/orderId', message: 'x\u0000' }],
        },
      );
      expect(record.source.key).toBe(`base64:${Buffer.from('k\u0000').toString('base64')}`);
      expect(record.headers['h']).toBe(`base64:${Buffer.from('a\u0000').toString('base64')}`);
      noNul(record);
      valid(record);
    });

    it('replaces lone surrogates (refused in jsonb) in the error text', () => {
      const record = createDeadLetterRecord(
        'g',
        { topic: 't', partition: 0, offset: '1', key: null, value: 'x', timestamp: '0' },
        {
          kind: 'schema_invalid',
          message: 'a \ud800 b',
          issues: [{ path: '/data/\udc00', message: 'is not allowed' }],
        },
      );
      expect(record.error).toEqual({
        kind: 'schema_invalid',
        message: 'a \ufffd b',
        issues: [{ path: '/data/\ufffd', message: 'is not allowed' }],
      });
      valid(record);
    });

    it('leaves out what does not fit (1 MB value, huge headers) and says so', () => {
      const value = Buffer.alloc(1024 * 1024, 0x61);
      const record = build({ value, headers: { big: Buffer.alloc(300_000, 0x62), small: 'ok' } });
      expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(DEAD_LETTER_RECORD_BUDGET);
      expect(record.truncated).toBe(true);
      expect(record.payload).toMatchObject({ base64: null, utf8: null, bytes: value.length });
      expect(record.payload.sha256).toBe(createHash('sha256').update(value).digest('hex'));
      expect(record.headers).toEqual({ big: '(left out: 300000 characters)', small: 'ok' });
      valid(record);
    });

    it('keeps the bytes of a 400 KiB value whole, without a text view', () => {
      const value = Buffer.alloc(400 * 1024, 0x61);
      const record = build({ value });
      expect(record.truncated).toBeUndefined();
      expect(record.payload.utf8).toBeNull();
      expect(Buffer.from(record.payload.base64 ?? '', 'base64')).toEqual(value);
    });

    it.each(['-1', '99999999999999999999', 'yesterday'])(
      'records a Kafka timestamp %s that is no date as null',
      (timestamp) => {
        const record = build({ value: 'x', timestamp });
        expect(record.source.timestamp).toBeNull();
        valid(record);
      },
    );

    it('stays whole when it fits', () => {
      expect(build({ value: 'small' }).truncated).toBeUndefined();
    });
  });
});
