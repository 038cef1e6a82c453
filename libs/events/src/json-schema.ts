// Building blocks for the contract schemas. The schemas are plain JSON Schema draft-07 objects: ajv validates
// with them and the AsyncAPI document embeds them unchanged (AsyncAPI 3's default schema format is a superset
// of draft-07). `objectSchema` ties each schema to its TypeScript interface at compile time: every field of the
// interface needs a schema, optional fields must be wrapped in `optional()`, and no extra field is accepted.

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

export const nonEmptyString: JsonSchema = { type: 'string', minLength: 1 };
export const nullableString: JsonSchema = { type: ['string', 'null'] };
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const uuid: JsonSchema = { type: 'string', format: 'uuid' };
export const schemaVersion1: JsonSchema = described(
  'Version of this payload schema; a breaking change gets a new version and a new topic.',
  { type: 'integer', const: 1 },
);

/** A string that must be one of the given values. */
export function oneOfStrings(values: readonly string[]): JsonSchema {
  return { type: 'string', enum: [...values] };
}
