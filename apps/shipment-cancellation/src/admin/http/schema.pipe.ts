import { Injectable, type PipeTransform } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { NO_NUL_PATTERN, NOT_BLANK_PATTERN, PRINTABLE_PATTERN } from '../admin.schemas';
import { AdminError, type FieldLocation, type FieldProblem } from './admin-error';

/** What each shared pattern means, said instead of the pattern itself. */
const PATTERN_MESSAGES: Record<string, string> = {
  [NOT_BLANK_PATTERN]: 'must not be blank',
  [NO_NUL_PATTERN]: 'must not contain NUL (U+0000)',
  [PRINTABLE_PATTERN]: 'must not contain control characters',
};

function compiler(coerceTypes: boolean): Ajv {
  // `example` is OpenAPI's, not JSON Schema's: allowed so one schema serves both.
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    coerceTypes,
    useDefaults: true,
    keywords: ['example'],
  });
  addFormats(ajv, ['uuid', 'date-time']);
  return ajv;
}

const strictJson = compiler(false);
// Query strings are text: "limit=20" must validate as the integer 20.
const queryText = compiler(true);

/** ajv errors → one problem per field, with a JSON Pointer to it. */
export function fieldProblems(
  errors: ErrorObject[] | null | undefined,
  location: FieldLocation,
): FieldProblem[] {
  const problems = (errors ?? []).map((e): FieldProblem => {
    if (e.keyword === 'required') {
      return {
        location,
        path: `${e.instancePath}/${String(e.params['missingProperty'])}`,
        message: 'is required',
      };
    }
    if (e.keyword === 'additionalProperties') {
      return {
        location,
        path: `${e.instancePath}/${String(e.params['additionalProperty'])}`,
        message: 'is not allowed',
      };
    }
    if (e.keyword === 'enum') {
      const allowed = (e.params['allowedValues'] as unknown[]).map(String).join(', ');
      return { location, path: e.instancePath || '/', message: `must be one of: ${allowed}` };
    }
    const patternMessage =
      e.keyword === 'pattern' ? PATTERN_MESSAGES[String(e.params['pattern'])] : undefined;
    if (patternMessage) return { location, path: e.instancePath || '/', message: patternMessage };
    return { location, path: e.instancePath || '/', message: e.message ?? 'is invalid' };
  });
  // allErrors can report the same problem twice; one line each is enough.
  const unique = new Map(problems.map((p) => [`${p.path}|${p.message}`, p]));
  return [...unique.values()];
}

/** Validates one request part against a JSON schema; 422 with field paths when it does not match. */
@Injectable()
export class SchemaPipe<T> implements PipeTransform<unknown, T> {
  private readonly validate: ValidateFunction;

  constructor(
    schema: Record<string, unknown>,
    private readonly location: FieldLocation,
  ) {
    this.validate = (location === 'query' ? queryText : strictJson).compile(schema);
  }

  transform(value: unknown): T {
    // A missing body is validated as an empty object, so the error names the required fields.
    const input = this.location === 'body' && value === undefined ? {} : value;
    // Query and path objects come from Express with a null prototype; validate a plain copy.
    const subject = this.location === 'query' || this.location === 'path' ? { ...(input as object) } : input;
    if (!this.validate(subject))
      throw AdminError.validation(fieldProblems(this.validate.errors, this.location));
    return subject as T;
  }
}
