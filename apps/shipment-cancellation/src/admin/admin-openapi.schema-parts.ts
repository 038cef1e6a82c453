// The building blocks of the admin API's response schemas (OpenAPI 3.0): references, scalars and objects.

export type Schema = Record<string, unknown>;
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str: Schema = { type: 'string' };
export const time: Schema = { type: 'string', format: 'date-time' };
export const int: Schema = { type: 'integer' };
export const bool: Schema = { type: 'boolean' };
/** The schema, or null. */
export const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });

/** An object whose every property is required. */
export function object(properties: Record<string, Schema>, description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(properties),
    properties,
  };
}
