// Building blocks for the contract schemas. The schemas are plain JSON Schema draft-07 objects: ajv validates
// with them and the AsyncAPI document embeds them unchanged (AsyncAPI 3's default schema format is a superset
// of draft-07). The one addition is the date-time range, `formatMinimum` / `formatMaximum` (ajv-formats'
// keywords, from a JSON Schema proposal), which tools that do not know them ignore. `objectSchema` ties each
// schema to its TypeScript interface at compile time: every field of the interface needs a schema, optional
// fields must be wrapped in `optional()`, and no extra field is accepted.

/** A plain JSON Schema (draft-07) object. */
export type JsonSchema = { readonly [keyword: string]: unknown };

const optionalMark: unique symbol = Symbol('optional');

/** A field that may be absent: `optional(schema)`. */
export interface OptionalField {
  readonly [optionalMark]: true;
  readonly schema: JsonSchema;
}

type RequiredField = JsonSchema & { readonly [optionalMark]?: never };

/** One schema per field of T; optional fields of T must be `optional(...)`, required ones must not. */
export type Shape<T> = {
  readonly [P in keyof T]-?: object extends Pick<T, P> ? OptionalField : RequiredField;
};

/** Marks a field as optional in an object shape. */
export function optional(schema: JsonSchema): OptionalField {
  return { [optionalMark]: true, schema };
}

function isOptional(field: JsonSchema | OptionalField): field is OptionalField {
  return (field as OptionalField)[optionalMark] === true;
}

export interface ObjectSchemaOptions {
  title?: string;
  description?: string;
  // Closed objects reject unknown fields. Outputs are closed (we publish exactly what the schema says);
  // inputs are open so that a field added upstream does not send every message to the dead-letter topic.
  closed?: boolean;
  // Cross-field rules (if/then), each in its own allOf entry so that its error names its condition.
  rules?: readonly JsonSchema[];
}

/** An object schema built from a shape tied to the interface T. */
export function objectSchema<T>(shape: Shape<T>, options: ObjectSchemaOptions = {}): JsonSchema {
  const fields = Object.entries(shape) as [string, JsonSchema | OptionalField][];
  const schema: Record<string, unknown> = {};
  if (options.title !== undefined) schema['title'] = options.title;
  if (options.description !== undefined) schema['description'] = options.description;
  schema['type'] = 'object';
  schema['required'] = fields.filter(([, field]) => !isOptional(field)).map(([name]) => name);
  schema['properties'] = Object.fromEntries(
    fields.map(([name, field]) => [name, isOptional(field) ? field.schema : field]),
  );
  if (options.closed) schema['additionalProperties'] = false;
  if (options.rules && options.rules.length > 0) schema['allOf'] = [...options.rules];
  return schema;
}

/** `if <field> is one of values then <then>`: a cross-field rule for `objectSchema`'s `rules`. */
export function when(
  field: string,
  values: readonly (string | number | boolean)[],
  then: JsonSchema,
): JsonSchema {
  const condition = values.length === 1 ? { const: values[0] } : { enum: [...values] };
  return { if: { type: 'object', required: [field], properties: { [field]: condition } }, then };
}

/** Adds a description to a schema (it shows in the AsyncAPI document). */
export function described(description: string, schema: JsonSchema): JsonSchema {
  return { description, ...schema };
}

// Messages for the patterns below, so that an issue reads 'must not contain control characters' rather than
// the expression. Filled as the schema modules load, before anything is compiled.
const patternMessages = new Map<string, string>();

/** A string matching `pattern`; an issue for a value that does not match says `message`. */
export function matching(pattern: string, message: string, schema: JsonSchema = {}): JsonSchema {
  patternMessages.set(pattern, message);
  return { type: 'string', ...schema, pattern };
}

/** The message of a pattern declared with `matching`, if any. */
export function patternMessage(pattern: string): string | undefined {
  return patternMessages.get(pattern);
}

// What we store must fit: Postgres text refuses NUL (0x00), a btree index row over ~2,700 bytes fails
// (error 54000), jsonb refuses an unpaired UTF-16 surrogate (which a JSON escape such as "\ud800" can carry),
// and no identifier of ours or the platform's holds control characters (Unicode Cc).
/** Most characters in an identifier (at most 4 UTF-8 bytes each, well under the index row limit). */
export const maxIdLength = 256;
/** Most characters in free text, e.g. a cancellation reason. */
export const maxTextLength = 2000;
/** Earliest and latest date-time accepted: far dates are typos, and Date arithmetic misbehaves on them. */
export const earliestDateTime = '2000-01-01T00:00:00Z';
export const latestDateTime = '2199-12-31T23:59:59.999Z';

// Patterns run with the u flag: a surrogate pair is one code point, so only an unpaired surrogate matches.
const noControlCharacters = '^[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]*$';
// Free text may hold tabs and line breaks; no other control character.
const noControlCharactersButLineBreaks =
  '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ud800-\\udfff]*$';

export const nonEmptyString: JsonSchema = { type: 'string', minLength: 1 };
export const nullableString: JsonSchema = { type: ['string', 'null'] };

/** A string without control characters, with the other keywords of `schema`. */
export function withoutControlCharacters(schema: JsonSchema = {}): JsonSchema {
  return matching(noControlCharacters, 'must not contain control characters or unpaired surrogates', schema);
}

/** An id or name we store: 1 to 256 characters, no control characters. */
export const identifier: JsonSchema = withoutControlCharacters({ minLength: 1, maxLength: maxIdLength });
/** Free text we store: up to 2,000 characters, no control characters but tabs and line breaks. */
export const freeText: JsonSchema = matching(
  noControlCharactersButLineBreaks,
  'must not contain control characters (but tabs and line breaks) or unpaired surrogates',
  { maxLength: maxTextLength },
);
/** An RFC 3339 date-time with a time zone. */
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
/** An RFC 3339 date-time we store or compute with: from 2000-01-01 through 2199-12-31. */
export const boundedDateTime: JsonSchema = {
  ...dateTime,
  formatMinimum: earliestDateTime,
  formatMaximum: latestDateTime,
};
export const uuid: JsonSchema = { type: 'string', format: 'uuid' };
export const schemaVersion1: JsonSchema = described(
  'Version of this payload schema; a breaking change gets a new version and a new topic.',
  { type: 'integer', const: 1 },
);

/** A string that must be one of the given values. */
export function oneOfStrings(values: readonly string[]): JsonSchema {
  return { type: 'string', enum: [...values] };
}
