// Small readers for control-API bodies: clear messages with the JSON path of the bad field.

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new InputError(`${path} must be a JSON object`);
  return value;
}

export function optionalString(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw new InputError(`${path}.${key} must be a non-empty string`);
  return value;
}

export function requiredString(obj: JsonObject, key: string, path: string): string {
  const value = optionalString(obj, key, path);
  if (value === undefined) throw new InputError(`${path}.${key} is required`);
  return value;
}

export function optionalNumber(
  obj: JsonObject,
  key: string,
  path: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InputError(`${path}.${key} must be a number`);
  if (range.integer && !Number.isInteger(value)) throw new InputError(`${path}.${key} must be an integer`);
  if (range.min !== undefined && value < range.min)
    throw new InputError(`${path}.${key} must be >= ${range.min}`);
  if (range.max !== undefined && value > range.max)
    throw new InputError(`${path}.${key} must be <= ${range.max}`);
  return value;
}

export function optionalIsoTime(obj: JsonObject, key: string, path: string): number | undefined {
  const value = optionalString(obj, key, path);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InputError(`${path}.${key} must be an ISO 8601 date-time`);
  return ms;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InputError(`${path} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
