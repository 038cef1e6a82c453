// The compatibility policy (README, docs/events.md): within schemaVersion 1 every change is additive, so a
// consumer built from the first published schemas (fixtures/v1.0, the schemas/*.json of @oms/events 1.0.0,
// never edited) accepts every event published today, including fields it has never heard of.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConsumerSchemas, createConsumerValidator, Examples, type JsonSchema } from '../src/index';
import { refundPendingExample } from '../src/examples';

const fixtures = join(__dirname, 'fixtures', 'v1.0');
const v1_0: Record<string, JsonSchema> = Object.fromEntries(
  readdirSync(fixtures).map((file) => [
    file.replace(/\.json$/, ''),
    JSON.parse(readFileSync(join(fixtures, file), 'utf8')),
  ]),
);

// JSON copies: structuredClone's objects come from another realm than jest's, which deep equality tells apart.
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(clone(a), clone(b));

const todaysEvents = { ...Examples, shipmentCancelledRefundPending: refundPendingExample };

// What a later 1.x may add: a CloudEvents extension, a payload field, a field in a nested object.
function withAdditions(event: object): Record<string, unknown> {
  const copy = clone(event) as Record<string, unknown> & { data: Record<string, unknown> };
  copy['traceparent'] = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  copy.data['addedLater'] = { nested: ['anything'] };
  for (const value of Object.values(copy.data)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      (value as Record<string, unknown>)['addedLater'] = 'a string fits a header map too';
    }
  }
  return copy;
}

describe('a consumer built from the v1.0 schemas', () => {
  const eventSchemas = Object.entries(v1_0)
    .filter(([name]) => name.endsWith('Event') && name !== 'CloudEvent')
    .map(([, schema]) => schema);

  it('has a v1.0 schema for every schema published today', () => {
    expect(Object.keys(v1_0).sort()).toEqual(Object.keys(ConsumerSchemas).sort());
  });

  it.each(Object.keys(todaysEvents))(
    'accepts today’s %s, with and without unknown fields (createConsumerValidator)',
    (name) => {
      const validate = createConsumerValidator(eventSchemas);
      const event = todaysEvents[name as keyof typeof todaysEvents];
      expect(validate(event)).toMatchObject({ ok: true });
      expect(validate(Buffer.from(JSON.stringify(withAdditions(event))))).toMatchObject({ ok: true });
    },
  );

  it('accepts them with a generic JSON Schema validator too (a consumer in another language)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const [name, event] of Object.entries(todaysEvents)) {
      const schema = eventSchemas.find(
        (s) => (s['properties'] as { type: { const: string } }).type.const === event.type,
      );
      const validate = ajv.compile(schema as object);
      expect({ name, valid: validate(withAdditions(event)), errors: validate.errors }).toEqual({
        name,
        valid: true,
        errors: null,
      });
    }
  });

  it('still refuses an event missing a field v1.0 requires', () => {
    const validate = createConsumerValidator(eventSchemas);
    const event = withAdditions(Examples.shipmentCancelled) as { data: Record<string, unknown> };
    delete event.data['reshipEligible'];
    expect(validate(event)).toMatchObject({
      ok: false,
      kind: 'schema_invalid',
      issues: [{ path: '/data/reshipEligible', message: 'is required' }],
    });
  });
});

describe('today’s schemas against v1.0', () => {
  it.each(Object.keys(ConsumerSchemas))('%s only narrows or adds (no breaking change)', (name) => {
    const now = ConsumerSchemas[name as keyof typeof ConsumerSchemas];
    const problems = breakingChanges(v1_0[name] as JsonSchema, now, name);
    if (problems.length > 0) {
      throw new Error(
        `Breaking change(s) against the v1.0 schema, which consumers still use:\n  ${problems.join('\n  ')}\n` +
          'Keep the change additive, or publish it as schemaVersion 2 on new .v2 topics (see the compatibility ' +
          'policy in libs/events/README.md). Never edit test/fixtures/v1.0.',
      );
    }
  });

  it('the check finds a widened enum, a dropped required field, a changed type and a removed rule', () => {
    const old = v1_0['ShipmentCancelled'] as Record<string, unknown> & {
      required: string[];
      properties: Record<string, Record<string, unknown>>;
      allOf: unknown[];
    };
    const changed = clone(old);
    (changed.properties['outcome'] as { enum: string[] }).enum.push('lost');
    changed.required = changed.required.filter((field) => field !== 'shipmentId');
    changed.properties['final'] = { type: ['boolean', 'null'] };
    changed.allOf = changed.allOf.slice(1);
    expect(breakingChanges(old, changed, 'ShipmentCancelled')).toEqual([
      'ShipmentCancelled/shipmentId: no longer required',
      'ShipmentCancelled/allOf: a rule of v1.0 is gone',
      'ShipmentCancelled/outcome/enum: allows lost, which v1.0 refuses',
      'ShipmentCancelled/final/type: allows null, which v1.0 refuses',
    ]);
  });
});

type Schema = Readonly<Record<string, unknown>>;

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

// What a consumer of `old` would refuse in an event valid against `now`: each keyword of `old` must be kept, or
// narrowed. Keywords it does not know (descriptions, new properties) never break anything.
function breakingChanges(old: Schema, now: Schema, path: string): string[] {
  const problems: string[] = [];
  for (const field of asList(old['required'] ?? [])) {
    if (!asList(now['required'] ?? []).includes(field))
      problems.push(`${path}/${String(field)}: no longer required`);
  }
  for (const rule of asList(old['allOf'] ?? [])) {
    if (!asList(now['allOf'] ?? []).some((r) => same(r, rule))) {
      problems.push(`${path}/allOf: a rule of v1.0 is gone`);
    }
  }
  if ('type' in old) {
    for (const type of asList(now['type'])) {
      if (!asList(old['type']).includes(type))
        problems.push(`${path}/type: allows ${String(type)}, which v1.0 refuses`);
    }
  }
  if ('const' in old && !same(old['const'], now['const'])) {
    problems.push(
      `${path}/const: ${JSON.stringify(now['const'])} instead of ${JSON.stringify(old['const'])}`,
    );
  }
  if ('enum' in old) {
    const values = 'const' in now ? [now['const']] : asList(now['enum']);
    for (const value of values) {
      if (!asList(old['enum']).some((v) => same(v, value))) {
        problems.push(`${path}/enum: allows ${String(value)}, which v1.0 refuses`);
      }
    }
  }
  for (const keyword of ['pattern', 'format']) {
    if (keyword in old && old[keyword] !== now[keyword]) problems.push(`${path}/${keyword}: changed`);
  }
  for (const keyword of ['minimum', 'minLength', 'minItems', 'formatMinimum']) {
    if (
      keyword in old &&
      !(keyword in now && (now[keyword] as number | string) >= (old[keyword] as number | string))
    ) {
      problems.push(`${path}/${keyword}: lowered or removed`);
    }
  }
  for (const keyword of ['maximum', 'maxLength', 'maxItems', 'formatMaximum']) {
    if (
      keyword in old &&
      !(keyword in now && (now[keyword] as number | string) <= (old[keyword] as number | string))
    ) {
      problems.push(`${path}/${keyword}: raised or removed`);
    }
  }
  const oldProperties = (old['properties'] ?? {}) as Record<string, Schema>;
  const nowProperties = (now['properties'] ?? {}) as Record<string, Schema>;
  for (const [name, schema] of Object.entries(oldProperties)) {
    if (!(name in nowProperties))
      problems.push(`${path}/${name}: removed (it may come back with another meaning)`);
    else problems.push(...breakingChanges(schema, nowProperties[name] as Schema, `${path}/${name}`));
  }
  for (const keyword of ['items', 'additionalProperties']) {
    const oldSub = old[keyword];
    if (oldSub !== null && typeof oldSub === 'object') {
      const nowSub = now[keyword];
      if (nowSub === null || typeof nowSub !== 'object') problems.push(`${path}/${keyword}: removed`);
      else problems.push(...breakingChanges(oldSub as Schema, nowSub as Schema, `${path}/${keyword}`));
    }
  }
  return problems;
}
