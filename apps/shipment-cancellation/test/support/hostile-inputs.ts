// Hostile inputs for the fuzz test (issue 19: no input can stop a partition), drawn by fast-check from a seed so
// a failing run can be replayed: bytes that are not JSON, NUL and invalid UTF-8, truncated and deeply nested
// JSON, near-1 MB values, numbers and dates the database cannot hold, wrong types, ids with control characters
// or 10,000 characters, null keys, hostile keys, huge and many headers. Most must be dead-lettered; those the
// contract allows (unknown fields, hostile headers or keys on a valid event) must be processed.
import fc from 'fast-check';
import { EventTypes } from '@oms/events';
import {
  deepNesting,
  hostileKey,
  hostileKeyBytes,
  hugeHeaders,
  hugeValue,
  invalidUtf8,
  nulRaw,
  nullValue,
  truncatedJson,
} from './hostile-bytes';
import {
  type Base,
  type Draft,
  type Headers,
  type HostileInput,
  type Json,
  type KeyChoice,
  KB,
  SOURCE,
  anyBase,
  idChars,
  json,
  shipmentPurchasedBase,
  storedFields,
  withData,
} from './hostile-events';

export {
  largePair,
  namedCases,
  type Headers,
  type HostileCategory,
  type HostileInput,
  type InputTopic,
} from './hostile-events';
export { hostileHeaders } from './hostile-bytes';

const nulEscaped: fc.Arbitrary<Draft> = fc.tuple(anyBase, fc.nat(), fc.nat()).map(([base, f, at]) => {
  const fields = [...storedFields(base), 'envelope.source'];
  const field = fields[f % fields.length] as string;
  const insert = (s: string) => `${s.slice(0, at % (s.length + 1))}\u0000${s.slice(at % (s.length + 1))}`;
  const event =
    field === 'envelope.source'
      ? { ...base.event, source: insert(SOURCE) }
      : withData(base, field, insert(String(base.data[field] ?? 'x')));
  return { category: 'nul_escaped', label: `\\u0000 in ${field}`, topic: base.topic, value: json(event) };
});

const BAD_AMOUNTS: unknown[] = [
  '123456789012345.00',
  '-5.00',
  1e308,
  '1e308',
  -0.01,
  '12345678901.0',
  '0.12345',
  '',
  'NaN',
  'Infinity',
  null,
];

const badAmount: fc.Arbitrary<Draft> = fc
  .tuple(shipmentPurchasedBase, fc.constantFrom(...BAD_AMOUNTS), fc.constantFrom('amount', 'currency'))
  .map(([base, amount, field]) => {
    const event =
      field === 'amount'
        ? withData(base, 'labelCost.amount', amount)
        : withData(base, 'labelCost.currency', 'usd\u0000');
    const label =
      field === 'amount' ? `labelCost.amount ${JSON.stringify(amount)}` : 'labelCost.currency "usd\\u0000"';
    return { category: 'bad_amount', label, topic: 'shipmentPurchased', value: json(event) };
  });

const FAR_DATES = [
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1900-01-01T00:00:00Z',
  '1999-12-31T23:59:59.999Z',
  '2200-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2024-02-30T00:00:00Z',
  '2024-01-01',
  'yesterday',
];

const badDate: fc.Arbitrary<Draft> = fc
  .tuple(anyBase, fc.constantFrom(...FAR_DATES), fc.boolean())
  .map(([base, date, inEnvelope]) => {
    const field =
      base.topic === 'orderCancelled' ? 'cancelledAt' : inEnvelope ? 'cancelWindowEndsAt' : 'purchasedAt';
    const event =
      inEnvelope && base.topic === 'orderCancelled'
        ? { ...base.event, time: date }
        : withData(base, field, date);
    const where = inEnvelope && base.topic === 'orderCancelled' ? 'time' : field;
    return { category: 'bad_date', label: `${where} ${date}`, topic: base.topic, value: json(event) };
  });

const WRONG_TYPES: Array<[string, (b: Base) => unknown]> = [
  ['data is an array', (b) => ({ ...b.event, data: [] })],
  ['data is a string', (b) => ({ ...b.event, data: 'x' })],
  ['data is null', (b) => ({ ...b.event, data: null })],
  ['orderId is a number', (b) => withData(b, 'orderId', 123)],
  ['orderId is true', (b) => withData(b, 'orderId', true)],
  ['orderId is an array', (b) => withData(b, 'orderId', ['a'])],
  ['schemaVersion is "1"', (b) => withData(b, 'schemaVersion', '1')],
  ['schemaVersion is 2', (b) => withData(b, 'schemaVersion', 2)],
  ['envelope id is a number', (b) => ({ ...b.event, id: 42 })],
  ['specversion 0.3', (b) => ({ ...b.event, specversion: '0.3' })],
  ['no envelope', (b) => b.data],
  ['value is null', () => null],
  ['value is 42', () => 42],
  ['value is a string', () => 'an event'],
  ['value is []', () => []],
  ['value is {}', () => ({})],
];

const wrongType: fc.Arbitrary<Draft> = fc
  .tuple(anyBase, fc.constantFrom(...WRONG_TYPES), fc.boolean())
  .map(([base, [label, mutate], money]) => {
    if (money && base.topic === 'shipmentPurchased') {
      const event = withData(base, 'labelCost', '5.00');
      return {
        category: 'wrong_type',
        label: 'labelCost is a string',
        topic: base.topic,
        value: json(event),
      };
    }
    return { category: 'wrong_type', label, topic: base.topic, value: json(mutate(base)) };
  });

const unknownType: fc.Arbitrary<Draft> = fc
  .tuple(
    anyBase,
    fc.constantFrom('oms.order.refunded', 'other-input', 'OrderCancelled', '', 'oms.order.cancelled.v2'),
  )
  .map(([base, type]) => {
    const other = base.topic === 'orderCancelled' ? EventTypes.shipmentPurchased : EventTypes.orderCancelled;
    const actual = type === 'other-input' ? other : type;
    return {
      category: 'unknown_type',
      label: `type ${JSON.stringify(actual)}`,
      topic: base.topic,
      value: json({ ...base.event, type: actual }),
    };
  });

const controlChar = fc.constantFrom(
  ...[...Array(31).keys()].map((i) => String.fromCharCode(i + 1)),
  '\u007f',
  '\u0085',
  '\u009f',
);

const badId: fc.Arbitrary<Draft> = fc
  .tuple(
    anyBase,
    fc.nat(),
    fc.constantFrom('control', 'control', '10000 chars', '257 chars', 'empty'),
    controlChar,
  )
  .map(([base, f, how, ctl]) => {
    const fields = [...storedFields(base).filter((x) => x !== 'reason'), 'envelope.id'];
    const field = fields[f % fields.length] as string;
    const original = field === 'envelope.id' ? String(base.event['id']) : String(base.data[field] ?? 'id');
    const value =
      how === 'control'
        ? `${original.slice(0, 3)}${ctl}${original.slice(3)}`
        : how === 'empty'
          ? ''
          : 'i'.repeat(how === '257 chars' ? 257 : 10_000);
    const event = field === 'envelope.id' ? { ...base.event, id: value } : withData(base, field, value);
    const label =
      how === 'control'
        ? `U+${ctl.charCodeAt(0).toString(16).padStart(4, '0')} in ${field}`
        : `${how} ${field}`;
    return { category: 'bad_id', label, topic: base.topic, value: json(event) };
  });

/** Valid events, for orders of no one's, that the contract says must be processed: unknown fields of any kind. */
const tolerated: fc.Arbitrary<Draft> = fc
  .tuple(
    anyBase,
    fc.dictionary(
      fc.string({ unit: idChars, minLength: 1, maxLength: 8 }).map((k) => `x${k}`),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 4 },
    ),
    fc.constantFrom('plain', 'deep', 'big', 'nul', 'names', 'money'),
  )
  .map(([base, extra, twist]) => {
    const event = structuredClone(base.event);
    const data = event['data'] as Json;
    Object.assign(data, extra);
    event['xfuzzextension'] = 'an unknown CloudEvents extension attribute';
    if (twist === 'deep') data['xdeep'] = '@@DEEP@@';
    if (twist === 'big') data['xbig'] = 'b'.repeat(200 * KB);
    if (twist === 'nul') data['xnul'] = 'a\u0000b';
    if (twist === 'names')
      Object.assign(data, JSON.parse('{"__proto__":{"polluted":1},"constructor":"c","x\\u0000name":1}'));
    if (twist === 'money' && data['labelCost']) (data['labelCost'] as Json)['xrate'] = 1e308;
    let text = JSON.stringify(event);
    if (twist === 'deep') text = text.replace('"@@DEEP@@"', `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    return {
      category: 'tolerated',
      label: `unknown fields (${twist})`,
      topic: base.topic,
      value: Buffer.from(text),
      expect: 'processed',
      eventId: String(event['id']),
    };
  });

const keyChoice: fc.Arbitrary<KeyChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<KeyChoice>({ kind: 'neighbour' }) },
  { weight: 3, arbitrary: fc.constant<KeyChoice>({ kind: 'none' }) },
  { weight: 1, arbitrary: hostileKeyBytes.map(([, bytes]): KeyChoice => ({ kind: 'own', bytes })) },
);

/** One hostile input of any category; most are dead-letter material, about one in twelve is processable. */
export const hostileInput: fc.Arbitrary<HostileInput> = fc
  .tuple(
    fc.oneof(
      nulRaw,
      nulEscaped,
      invalidUtf8,
      truncatedJson,
      deepNesting,
      hugeValue,
      badAmount,
      badDate,
      wrongType,
      unknownType,
      badId,
      nullValue,
      hostileKey,
      hugeHeaders,
      tolerated,
    ),
    keyChoice,
  )
  .map(([draft, key]) => ({
    category: draft.category,
    label: draft.label,
    topic: draft.topic,
    key: draft.key ?? key,
    value: draft.value,
    headers: draft.headers ?? {},
    expect: draft.expect ?? 'dead_letter',
    ...(draft.eventId ? { eventId: draft.eventId } : {}),
  }));

/** `count` hostile inputs drawn from the seed: the same seed gives the same inputs. */
export function hostileInputs(seed: number, count: number): HostileInput[] {
  return count <= 0 ? [] : fc.sample(hostileInput, { seed, numRuns: count });
}

/** Bytes of one input as the broker holds them (a tombstone has none). */
export function sizeOf(input: { value: Buffer | null; headers: Headers }): number {
  let size = input.value?.length ?? 0;
  for (const [name, v] of Object.entries(input.headers))
    for (const b of Array.isArray(v) ? v : [v]) size += Buffer.byteLength(name) + b.length;
  return size;
}
