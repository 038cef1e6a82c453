// Compiles the contract schemas with ajv once and turns ajv's errors into one precise issue per problem,
// with paths rooted at the envelope ('/data/labelCost/currency').
import Ajv, { type ErrorObject, type FormatDefinition, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { patternMessage, type JsonSchema } from './json-schema';

/** One problem found in a message. */
export interface ValidationIssue {
  /** JSON pointer from the envelope root, e.g. '/data/orderId'; '' for the message itself. */
  path: string;
  /** What is wrong, e.g. 'must be a non-empty string'. */
  message: string;
}

/** Why a message could not be decoded. */
export type DecodeErrorKind = 'not_json' | 'invalid_envelope' | 'unknown_type' | 'schema_invalid';

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
// `keywords` adds formatMinimum / formatMaximum (the date-time range).
addFormats(ajv, { formats: ['uri', 'uri-reference'], keywords: true });
ajv.addFormat('date-time', dateTimeFormat());
// ajv-formats' uuid also accepts a 'urn:uuid:' prefix; the contract wants the bare UUID.
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** A compiled schema: returns the issues, [] when valid. */
export type Validator = (value: unknown) => ValidationIssue[];

const noIssues: ValidationIssue[] = [];

/** Compiles a schema once; `pathPrefix` roots issue paths (e.g. '/data' for a payload schema). */
export function compile(schema: JsonSchema, pathPrefix = ''): Validator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => (validate(value) ? noIssues : toIssues(validate.errors ?? [], schema, pathPrefix));
}

/** 'data/orderId: must be a non-empty string; time: must be an RFC 3339 date-time'. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => `${issue.path === '' ? '(message)' : issue.path.slice(1)}: ${issue.message}`)
    .join('; ');
}

function toIssues(errors: readonly ErrorObject[], root: JsonSchema, pathPrefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // "must match 'then' schema" only repeats the specific error reported from inside the 'then'.
    if (error.keyword === 'if') continue;
    const issue = toIssue(error, root, pathPrefix);
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(error: ErrorObject, root: JsonSchema, pathPrefix: string): ValidationIssue {
  const segments = error.schemaPath.split('/').slice(1).map(unescapePointer);
  const parent = schemaAt(root, segments.slice(0, -1));
  const condition = conditionOf(root, segments);
  let path = pathPrefix + error.instancePath;
  let message: string;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      path += `/${escapePointer(String(params['missingProperty']))}`;
      message = 'is required';
      break;
    case 'additionalProperties':
      path += `/${escapePointer(String(params['additionalProperty']))}`;
      message = 'is not allowed';
      break;
    case 'type':
    case 'minLength':
      message = typeMessage(parent, error);
      break;
    case 'maxLength':
      message = `must have at most ${String(params['limit'])} characters`;
      break;
    case 'pattern':
      message = patternMessage(String(params['pattern'])) ?? `must match ${String(params['pattern'])}`;
      break;
    case 'format':
      message = formatMessage(String(params['format']));
      break;
    case 'const':
      message = `must be ${JSON.stringify(params['allowedValue'])}`;
      break;
    case 'enum':
      message = `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
      break;
    case 'minimum':
    case 'maximum':
      message = `must be ${String(params['comparison'])} ${String(params['limit'])}`;
      break;
    case 'formatMinimum':
    case 'formatMaximum':
      message = rangeMessage(parent, params);
      break;
    case 'minItems':
      message = `must have at least ${String(params['limit'])} items`;
      break;
    default:
      message = error.message ?? `fails ${error.keyword}`;
  }
  return { path, message: condition ? `${message} when ${condition}` : message };
}

function typeMessage(schema: JsonSchema | undefined, error: ErrorObject): string {
  if (error.keyword === 'minLength' && schema?.['minLength'] !== 1) {
    return `must have at least ${String(schema?.['minLength'])} characters`;
  }
  const types = ([] as unknown[]).concat(schema?.['type'] ?? (error.params as { type: unknown }).type);
  const nonEmpty = schema?.['minLength'] === 1;
  const names = types.map((type) => {
    if (type === 'string') return nonEmpty ? 'a non-empty string' : 'a string';
    if (type === 'null') return 'null';
    if (type === 'object' || type === 'array' || type === 'integer') return `an ${type}`;
    return `a ${String(type)}`;
  });
  return `must be ${names.join(' or ')}`;
}

// 'must be between 2000-01-01 and 2199-12-31': both ends of a date-time range, by their dates.
function rangeMessage(schema: JsonSchema | undefined, params: Record<string, unknown>): string {
  const min = schema?.['formatMinimum'];
  const max = schema?.['formatMaximum'];
  if (typeof min === 'string' && typeof max === 'string') {
    return `must be between ${min.slice(0, 10)} and ${max.slice(0, 10)}`;
  }
  return `must be ${String(params['comparison'])} ${String(params['limit'])}`;
}

// ajv-formats' RFC 3339 date-time, compared as instants (time zones included) for formatMinimum/Maximum. A
// value that is not a date-time compares as undefined, which passes: the format error alone reports it.
//
// ajv checks a bounded date-time three times (format, minimum, maximum), each comparison reading both the value
// and the limit: on the intake's hot path that was most of a message's validation. Each string is now checked
// and read once: `seen` remembers the last few (the value being validated and the schemas' limits).
function dateTimeFormat(): FormatDefinition<string> {
  const rfc3339 = addFormats.get('date-time') as FormatDefinition<string>;
  const isDateTime = rfc3339.validate as (value: string) => boolean;
  const seen = new Map<string, number | null>();
  /** The value's instant (ms), or null when it is not an RFC 3339 date-time. */
  const read = (value: string): number | null => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    const result = isDateTime(value) ? instant(value) : null;
    if (seen.size >= SEEN_DATE_TIMES) seen.clear();
    seen.set(value, result);
    return result;
  };
  return {
    type: 'string',
    validate: (value) => read(value) !== null,
    compare: (a, b) => {
      const x = read(a);
      const y = read(b);
      return x === null || y === null ? undefined : x - y;
    },
  };
}

/** Date-time strings remembered between ajv's checks of one message (a few per event, and the limits). */
const SEEN_DATE_TIMES = 64;

// Date.parse reads RFC 3339 except a leap second (:60) and an hour-only offset (+01), both of which the format
// allows.
function instant(value: string): number {
  return Date.parse(
    value
      .toUpperCase()
      .replace(/:60(?=[.Z+-])/, ':59')
      .replace(/([+-]\d\d)$/, '$1:00'),
  );
}

function formatMessage(format: string): string {
  switch (format) {
    case 'date-time':
      return 'must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T09:30:00Z';
    case 'uuid':
      return 'must be a UUID';
    case 'uri-reference':
      return 'must be a URI reference';
    case 'uri':
      return 'must be an absolute URI';
    default:
      return `must be a valid ${format}`;
  }
}

// For an error raised inside `if … then`, describes the `if`: 'carrier is amazon-mfn-mws or amazon-mfn-v0'.
function conditionOf(root: JsonSchema, segments: readonly string[]): string | undefined {
  const thenAt = segments.lastIndexOf('then');
  if (thenAt < 0) return undefined;
  const ifSchema = schemaAt(root, [...segments.slice(0, thenAt), 'if']);
  const properties = (ifSchema?.['properties'] ?? {}) as Record<string, JsonSchema>;
  const parts = Object.entries(properties).map(([name, condition]) => {
    const values = 'const' in condition ? [condition['const']] : ((condition['enum'] as unknown[]) ?? []);
    return `${name} is ${values.map(String).join(' or ')}`;
  });
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

function schemaAt(root: JsonSchema, segments: readonly string[]): JsonSchema | undefined {
  let node: unknown = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node !== null && typeof node === 'object' ? (node as JsonSchema) : undefined;
}

function unescapePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
