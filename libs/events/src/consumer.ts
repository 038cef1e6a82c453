// Tolerant reading for consumers. The producer checks its events against closed schemas (`validateEvent`), so
// it never sends a field the contract lacks; a consumer must keep reading when a later 1.x adds a field, so it
// validates with every object opened: required fields and the known fields' types are still checked.
import { catalog, Schemas, type AnyEvent, type EventOf, type SchemaName } from './catalog';
import { envelopeSchema } from './envelope';
import type { EventType } from './event-types';
import type { JsonSchema } from './json-schema';
import {
  compile,
  describeIssues,
  type DecodeErrorKind,
  type ValidationIssue,
  type Validator,
} from './validation';
import { parseMessage, type DecodeFailure, type DecodeResult } from './decode';

/** A copy of `schema` with every `additionalProperties: false` (and `$id`) removed: unknown fields pass. */
export function consumerSchema(schema: JsonSchema): JsonSchema {
  return open(schema, true) as JsonSchema;
}

function open(node: unknown, root: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => open(item, false));
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node)) {
    if ((keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') && value === false)
      continue;
    // An $id names one published version; two versions compiled side by side must not clash.
    if (root && keyword === '$id') continue;
    copy[keyword] = open(value, false);
  }
  return copy;
}

/** Every schema of `Schemas` opened for consumers: what `schemas/*.json` in the package holds. */
export const ConsumerSchemas = Object.fromEntries(
  Object.entries(Schemas).map(([name, schema]) => [name, consumerSchema(schema)]),
) as { readonly [N in SchemaName]: JsonSchema };

/** Reads a message value (Buffer, string or parsed object) tolerantly; `expectedType` as in `decodeEvent`. */
export interface ConsumerValidator {
  <K extends EventType>(raw: unknown, expectedType: K | readonly K[]): DecodeResult<EventOf<K>>;
  (raw: unknown, expectedType?: EventType | readonly EventType[]): DecodeResult;
}

/**
 * Builds a tolerant validator from full event schemas (`schemas/*Event.json` of any published 1.x, whose
 * `properties.type.const` names the event type). Unknown fields anywhere are accepted; a missing required
 * field, a wrong type or a value outside an enum is still an issue.
 */
export function createConsumerValidator(eventSchemas: readonly JsonSchema[]): ConsumerValidator {
  const validators = new Map<string, Validator>();
  for (const schema of eventSchemas) {
    const type = typeOf(schema);
    if (type === undefined) throw new Error(`${String(schema['title'])}: properties.type.const is missing`);
    validators.set(type, compile(consumerSchema(schema)));
  }
  const validate = (raw: unknown, expectedType?: EventType | readonly EventType[]): DecodeResult => {
    const parsed = parseMessage(raw);
    if (!parsed.ok) return parsed;
    const value = parsed.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return failure('invalid_envelope', [{ path: '', message: 'must be a JSON object (a CloudEvent)' }]);
    }
    const type = (value as { type?: unknown }).type;
    const validator = typeof type === 'string' ? validators.get(type) : undefined;
    if (validator === undefined) {
      const envelopeIssues = validateEnvelope(value);
      if (envelopeIssues.length > 0) return failure('invalid_envelope', envelopeIssues);
      return failure('unknown_type', [
        { path: '/type', message: `is not a known event type: ${String(type)}` },
      ]);
    }
    if (expectedType !== undefined) {
      const expected: readonly string[] = typeof expectedType === 'string' ? [expectedType] : expectedType;
      if (!expected.includes(type as string)) {
        return failure('unknown_type', [
          { path: '/type', message: `must be ${expected.join(' or ')}, got ${String(type)}` },
        ]);
      }
    }
    const issues = validator(value);
    if (issues.length === 0) return { ok: true, event: value as AnyEvent };
    const inData = issues.every((issue) => issue.path.startsWith('/data/') || issue.path === '/data');
    return failure(inData ? 'schema_invalid' : 'invalid_envelope', issues);
  };
  return validate as ConsumerValidator;
}

const validateEnvelope: Validator = compile(consumerSchema(envelopeSchema));

function typeOf(schema: JsonSchema): string | undefined {
  const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
  const type = properties?.['type']?.['const'];
  return typeof type === 'string' ? type : undefined;
}

function failure(kind: DecodeErrorKind, issues: ValidationIssue[]): DecodeFailure {
  return { ok: false, kind, message: describeIssues(issues), issues };
}

/**
 * Parses and validates a message as a consumer: like `decodeEvent`, but unknown fields are accepted anywhere
 * (a later 1.x may add fields to any event). Use it, not `validateEvent`, to read what others publish.
 */
export const validateForConsumer: ConsumerValidator = createConsumerValidator(
  catalog.map((entry) => Schemas[entry.envelope]),
);
