// Hostile inputs at the byte level: NUL and invalid UTF-8, truncated and deeply nested JSON, near-1 MB values,
// empty values and tombstones, hostile keys, huge and many headers.
import fc from 'fast-check';
import { type Draft, type Headers, KB, MAX_VALUE, anyBase, anyTopic, json, withData } from './hostile-events';

export const nulRaw: fc.Arbitrary<Draft> = fc
  .record({
    before: fc.string({ maxLength: 30 }),
    after: fc.string({ maxLength: 30 }),
    nuls: fc.integer({ min: 1, max: 3 }),
    wrap: fc.boolean(),
    topic: anyTopic,
  })
  .map(({ before, after, nuls, wrap, topic }) => {
    const nul = Buffer.alloc(nuls, 0);
    const value = wrap
      ? Buffer.concat([
          Buffer.from(`{"note":"${before.replace(/["\\]/g, '')}`),
          nul,
          Buffer.from(`${after.replace(/["\\]/g, '')}"}`),
        ])
      : Buffer.concat([Buffer.from(before), nul, Buffer.from(after)]);
    return {
      category: 'nul_raw',
      label: wrap ? 'raw 0x00 inside a JSON string' : 'raw 0x00 in text',
      topic,
      value,
    };
  });

const INVALID_UTF8: Array<[string, number[]]> = [
  ['lone 0xff', [0xff]],
  ['overlong NUL (c0 80)', [0xc0, 0x80]],
  ['UTF-8 encoded surrogate (ed a0 80)', [0xed, 0xa0, 0x80]],
  ['truncated 3-byte sequence', [0xe2, 0x82]],
  ['lone continuation byte', [0x80]],
  ['5-byte sequence', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
];

export const invalidUtf8: fc.Arbitrary<Draft> = fc
  .tuple(anyBase, fc.constantFrom(...INVALID_UTF8), fc.boolean())
  .map(([base, [name, bytes], inId]) => {
    const marker = '@@BAD@@';
    const field = inId ? 'orderId' : base.topic === 'orderCancelled' ? 'reason' : 'sellerAccount';
    const [head, tail] = JSON.stringify(withData(base, field, `x${marker}y`)).split(marker) as [
      string,
      string,
    ];
    const value = Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
    return { category: 'invalid_utf8', label: `${name} in ${field}`, topic: base.topic, value };
  });

export const truncatedJson: fc.Arbitrary<Draft> = fc.tuple(anyBase, fc.nat()).map(([base, n]) => {
  const whole = json(base.event);
  const cut = n % whole.length; // never the whole: the closing brace is always lost
  return {
    category: 'truncated_json',
    label: `cut at byte ${cut} of ${whole.length}`,
    topic: base.topic,
    value: whole.subarray(0, cut),
  };
});

export const deepNesting: fc.Arbitrary<Draft> = fc
  .tuple(
    anyBase,
    fc.constantFrom(10_000, 10_000, 3_000, 50_000),
    fc.constantFrom('array', 'object', 'orderId', 'data'),
  )
  .map(([base, depth, where]) => {
    const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const value =
      where === 'array'
        ? Buffer.from(arrays)
        : where === 'object'
          ? Buffer.from(objects)
          : Buffer.from(
              JSON.stringify(
                where === 'orderId' ? withData(base, 'orderId', '@@N@@') : { ...base.event, data: '@@N@@' },
              ).replace('"@@N@@"', where === 'orderId' ? arrays : objects),
            );
    return { category: 'deep_nesting', label: `${depth} levels (${where})`, topic: base.topic, value };
  });

export const hugeValue: fc.Arbitrary<Draft> = fc
  .tuple(
    anyBase,
    fc.integer({ min: 600 * KB, max: MAX_VALUE }),
    fc.constantFrom('raw', 'json string', 'orderId', 'reason'),
  )
  .map(([base, size, shape]) => {
    const filler = 'x'.repeat(size);
    const field = shape === 'reason' && base.topic === 'shipmentPurchased' ? 'trackingId' : shape;
    const value =
      shape === 'raw'
        ? Buffer.from(filler)
        : shape === 'json string'
          ? json(filler)
          : json(withData(base, field, filler));
    return {
      category: 'huge_value',
      label: `${Math.round(size / KB)} KB ${field}`,
      topic: base.topic,
      value,
    };
  });

export const nullValue: fc.Arbitrary<Draft> = fc
  .tuple(
    anyTopic,
    fc.constantFrom<Buffer | null>(null, Buffer.alloc(0), Buffer.from('   '), Buffer.from('\n')),
  )
  .map(([topic, value]) => ({
    category: 'null_value',
    label: value === null ? 'tombstone (null value)' : `value ${JSON.stringify(value.toString())}`,
    topic,
    value,
  }));

export const hostileKeyBytes: fc.Arbitrary<[string, Buffer]> = fc.constantFrom<[string, Buffer]>(
  ['key with NUL', Buffer.from('order\u0000key')],
  ['10,000-byte key', Buffer.alloc(10_000, 'k')],
  ['invalid UTF-8 key', Buffer.from([0x6f, 0xff, 0xfe, 0x80])],
  ['empty key', Buffer.alloc(0)],
  ['key with line breaks and controls', Buffer.from('a\r\nb\u0007c')],
);

/** Hostile keys: on a broken value (dead-lettered), or on a valid event for an order of no one's (processed). */
export const hostileKey: fc.Arbitrary<Draft> = fc
  .tuple(anyBase, hostileKeyBytes, fc.boolean())
  .map(([base, [label, bytes], valid]) => ({
    category: valid ? 'tolerated' : 'hostile_key',
    label: valid ? `${label} on a valid event` : `${label}, value truncated`,
    topic: base.topic,
    key: { kind: 'own', bytes },
    value: valid ? json(base.event) : json(base.event).subarray(0, 20),
    expect: valid ? 'processed' : 'dead_letter',
    ...(valid ? { eventId: String(base.event['id']) } : {}),
  }));

/** Headers a producer may send: values near 100 KB, thousands of them, repeated names, bytes of any kind. */
export const hostileHeaders: fc.Arbitrary<[string, Headers]> = fc.oneof(
  fc
    .record({ count: fc.integer({ min: 1, max: 7 }), size: fc.integer({ min: 90 * KB, max: 100 * KB }) })
    .map(({ count, size }): [string, Headers] => [
      `${count} header values of ${Math.round(size / KB)} KB`,
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-huge-${i}`, Buffer.alloc(size, 'h')])),
    ]),
  fc
    .integer({ min: 500, max: 4_000 })
    .map((n): [string, Headers] => [
      `${n} headers`,
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h-${i}`, Buffer.from(`v${i}`)])),
    ]),
  fc
    .integer({ min: 2, max: 200 })
    .map((n): [string, Headers] => [
      `one name repeated ${n} times`,
      { 'x-repeat': Array.from({ length: n }, (_, i) => Buffer.from(`r${i}`)) },
    ]),
  fc.constant<[string, Headers]>([
    'binary header values and names',
    {
      'x-bin': Buffer.from([0x00, 0xff, 0xfe, 0x80]),
      'x-nul\u0000name': Buffer.from('a'),
      'x-empty': Buffer.alloc(0),
      'x-text': Buffer.from('çé€ 😀'),
      traceparent: Buffer.from('00-zzzz-not-a-trace\u0000'),
    },
  ]),
  fc.constant<[string, Headers]>(['100 KB traceparent', { traceparent: Buffer.alloc(100 * KB, 'f') }]),
);

export const hugeHeaders: fc.Arbitrary<Draft> = fc
  .tuple(anyBase, hostileHeaders)
  .map(([base, [label, headers]]) => ({
    category: 'huge_headers',
    label: `${label}, value truncated`,
    topic: base.topic,
    headers,
    value: json(base.event).subarray(0, 30),
  }));
