import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedRequest } from './amazon-stub.server';

export type ModelFile = 'shippingV2.json' | 'merchantFulfillmentV0.json' | 'shipping.json';

interface SwaggerParameter {
  name?: string;
  in?: 'path' | 'query' | 'header' | 'body' | 'formData';
  required?: boolean;
  type?: string;
  enum?: string[];
  pattern?: string;
  schema?: Record<string, unknown>;
}

export interface SandboxCase {
  parameters: Record<string, string>;
  status: number;
  response: unknown;
}

interface SwaggerOperation {
  operationId?: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, { schema?: Record<string, unknown>; 'x-amzn-api-sandbox'?: unknown }>;
}

export interface SwaggerModel {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, unknown>;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (nx.json) above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** A file under the read-only specs folder, a sibling of the repository; fails loudly when absent. */
export function sharedFile(...parts: string[]): string {
  const file = path.resolve(repoRoot(), '..', 'shared', ...parts);
  if (!existsSync(file)) {
    throw new Error(
      `Amazon reference file missing: ${file}. These tests need ../shared next to the repository.`,
    );
  }
  return file;
}

export function loadModel(name: ModelFile): SwaggerModel {
  return JSON.parse(readFileSync(sharedFile('reference', 'amazon-models', name), 'utf8')) as SwaggerModel;
}

/** Amazon's Swagger model as an independent judge of what the adapters send and what the fixtures say. */
export class ModelOracle {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly model: SwaggerModel) {
    // Swagger 2.0 schemas carry vendor keywords (x-docgen-…, example): not strict.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('double', true);
    this.ajv.addSchema({ $id: 'model', definitions: model.definitions });
  }

  operation(method: string, template: string): SwaggerOperation {
    const op = this.model.paths[template]?.[method.toLowerCase()];
    if (!op) throw new Error(`the model has no ${method} ${template}`);
    return op;
  }

  /** Problems with a recorded request against the operation's method, path, parameters and body schema. */
  checkRequest(template: string, request: RecordedRequest): string[] {
    const problems: string[] = [];
    const op = this.model.paths[template]?.[request.method.toLowerCase()];
    if (!op) return [`the model has no ${request.method} ${template}`];
    const names: string[] = [];
    const pattern = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    const match = new RegExp(`^${pattern}$`).exec(request.pathname);
    if (!match) return [`path ${request.pathname} does not match ${template}`];
    const pathValues = Object.fromEntries(
      names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
    );
    // SP-API authorisation header: required by every operation although the models leave it implicit.
    if (!request.headers['x-amz-access-token']) problems.push('missing header x-amz-access-token');
    for (const param of op.parameters ?? []) {
      const value = this.paramValue(param, request, pathValues);
      if (param.in === 'body') {
        if (value === undefined) {
          if (param.required) problems.push('missing body');
          continue;
        }
        let body: unknown;
        try {
          body = JSON.parse(value);
        } catch {
          problems.push('body is not JSON');
          continue;
        }
        problems.push(...this.validate(param.schema ?? {}, body).map((e) => `body ${e}`));
        continue;
      }
      if (value === undefined) {
        if (param.required) problems.push(`missing ${param.in} parameter ${param.name}`);
        continue;
      }
      const schema = {
        type: param.type ?? 'string',
        ...(param.enum ? { enum: param.enum } : {}),
        ...(param.pattern ? { pattern: param.pattern } : {}),
      };
      problems.push(...this.validate(schema, value).map((e) => `${param.in} ${param.name} ${e}`));
    }
    return problems;
  }

  /** Schema errors of `value` against `#/definitions/<name>`. */
  validateDefinition(name: string, value: unknown): string[] {
    return this.validate({ $ref: `model#/definitions/${name}` }, value);
  }

  /** The model's static sandbox cases for an operation (x-amzn-api-sandbox.static). */
  sandboxCases(method: string, template: string): SandboxCase[] {
    const cases: SandboxCase[] = [];
    for (const [status, response] of Object.entries(this.operation(method, template).responses)) {
      const sandbox = response['x-amzn-api-sandbox'] as
        | {
            static?: Array<{ request: { parameters: Record<string, { value: string }> }; response: unknown }>;
          }
        | undefined;
      for (const item of sandbox?.static ?? []) {
        const parameters = Object.fromEntries(
          Object.entries(item.request.parameters).map(([k, v]) => [k, v.value]),
        );
        cases.push({ parameters, status: Number(status), response: item.response });
      }
    }
    return cases;
  }

  private paramValue(
    param: SwaggerParameter,
    request: RecordedRequest,
    pathValues: Record<string, string>,
  ): string | undefined {
    switch (param.in) {
      case 'path':
        return pathValues[param.name ?? ''];
      case 'query':
        return request.query.get(param.name ?? '') ?? undefined;
      case 'header': {
        const value = request.headers[(param.name ?? '').toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      }
      case 'body':
        return request.body === '' ? undefined : request.body;
      default:
        return undefined;
    }
  }

  private validate(schema: Record<string, unknown>, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validator = this.validators.get(key);
    if (!validator) {
      // Inline schemas may use $ref into the model's definitions.
      validator = this.ajv.compile(
        JSON.parse(JSON.stringify(schema).replace(/"#\/definitions\//g, '"model#/definitions/')),
      );
      this.validators.set(key, validator);
    }
    return validator(value)
      ? []
      : (validator.errors ?? []).map(
          (e) => `${e.instancePath ? `${e.instancePath} ` : ''}${e.message ?? 'invalid'}`,
        );
  }
}
