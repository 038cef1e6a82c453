/** A value of a jsonb column: a JSON primitive, or an array or object of them (not spelled out: TypeORM's
 * typings would recurse into it). */
export type Json = string | number | boolean | null | object;
