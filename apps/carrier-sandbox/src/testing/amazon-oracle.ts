// The independent oracle for the tests: Amazon's own Swagger models and the seed documents, read from
// ../shared next to the repository. Every Amazon-surface response a test receives is checked here.
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
const sharedRoot = path.resolve(repoRoot, '..', 'shared');
const modelsDir = path.resolve(sharedRoot, 'reference', 'amazon-models');
const seedsDir = path.resolve(sharedRoot, 'seeds');

function readShared(file: string): string {
  if (!existsSync(file)) {
    throw new Error(
      `carrier-sandbox tests need Amazon's reference files, missing: ${file}. ` +
        `Expected ../shared/reference/amazon-models and ../shared/seeds next to the repository (${repoRoot}).`,
    );
  }
  return readFileSync(file, 'utf8');
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, verbose: true });
addFormats(ajv);
// Swagger 2.0 numeric formats carry no constraint for JSON Schema.
for (const format of ['double', 'float', 'int32', 'int64']) ajv.addFormat(format, true);
for (const model of ['shippingV2', 'merchantFulfillmentV0', 'shipping']) {
  ajv.addSchema(JSON.parse(readShared(path.join(modelsDir, `${model}.json`))) as object, model);
}

function modelValidator(ref: string): ValidateFunction {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref} in the Amazon models`);
  return validate;
}

// --- seed 001 (MWS bridge): schemas derived from the documented samples themselves ---
function seedText(prefix: string): string {
  const file = readdirSync(existsSync(seedsDir) ? seedsDir : sharedRoot).find((f) => f.startsWith(prefix));
  return readShared(path.join(seedsDir, file ?? `${prefix}<missing>.txt`));
}

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`seed 001 no longer contains ${start} … ${end}`);
  return text.slice(from, to + end.length);
}

type JsonSchema = Record<string, unknown>;

/** Every key of the sample is required and typed like the sample; the .NET bridge may send null. */
function schemaFromSample(sample: unknown): JsonSchema {
  if (sample === null) return {};
  if (Array.isArray(sample)) return { type: 'array', items: schemaFromSample(sample[0]) };
  if (typeof sample === 'object') {
    const entries = Object.entries(sample as Record<string, unknown>);
    return {
      type: 'object',
      required: entries.map(([k]) => k),
      properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaFromSample(v)])),
      additionalProperties: false,
    };
  }
  return { type: [typeof sample, 'null'] };
}

const seed001 = seedText('001_');
const mwsJsonSample = JSON.parse(
  '{' + between(seed001, '"CancelShipmentResult": {', '"QuotaResetsAt": null\n  }\n}'),
) as Record<string, unknown>;
const mwsXmlSample = between(seed001, '<CancelShipmentResponse', '</CancelShipmentResponse>');
const mwsCancelSchema = ajv.compile(schemaFromSample(mwsJsonSample));
const { CancelShipmentResult, ...rest } = mwsJsonSample;
const mwsGetSchema = ajv.compile(schemaFromSample({ GetShipmentResult: CancelShipmentResult, ...rest }));

// MWS ErrorResponse (Type/Code/Message[/Detail] + RequestId), in the bridge's JSON form.
const mwsErrorSchema = ajv.compile({
  type: 'object',
  required: ['Error', 'RequestId'],
  additionalProperties: false,
  properties: {
    RequestId: { type: 'string', minLength: 1 },
    Error: {
      type: 'object',
      required: ['Type', 'Code', 'Message'],
      additionalProperties: false,
      properties: {
        Type: { enum: ['Sender', 'Receiver'] },
        Code: { type: 'string', minLength: 1 },
        Message: { type: 'string', minLength: 1 },
        Detail: { type: 'string' },
      },
    },
  },
});

// LWA bodies per the carrier facts (§4) — LWA publishes no Swagger model.
const lwaSuccessSchema = ajv.compile({
  type: 'object',
  required: ['access_token', 'token_type', 'expires_in'],
  additionalProperties: false,
  properties: {
    access_token: { type: 'string', pattern: '^Atza\\|' },
    refresh_token: { type: 'string', pattern: '^Atzr\\|' },
    token_type: { const: 'bearer' },
    expires_in: { type: 'integer', minimum: 1 },
  },
});
const lwaErrorSchema = ajv.compile({
  type: 'object',
  required: ['error', 'error_description'],
  additionalProperties: false,
  properties: {
    error: {
      enum: [
        'invalid_request',
        'invalid_client',
        'invalid_grant',
        'unsupported_grant_type',
        'server_error',
        'temporarily_unavailable',
        'slow_down',
      ],
    },
    error_description: { type: 'string' },
  },
});
// Tokens API 2021-03-01 CreateRestrictedDataTokenResponse (that model is not among ../shared's three).
const rdtSuccessSchema = ajv.compile({
  type: 'object',
  required: ['restrictedDataToken', 'expiresIn'],
  additionalProperties: false,
  properties: {
    restrictedDataToken: { type: 'string', pattern: '^Atz\\.sprdt\\|' },
    expiresIn: { type: 'integer' },
  },
});

const v2 = {
  cancel: modelValidator('shippingV2#/definitions/CancelShipmentResponse'),
  tracking: modelValidator('shippingV2#/definitions/GetTrackingResponse'),
  errors: modelValidator('shippingV2#/definitions/ErrorList'),
};
const v0 = {
  cancel: modelValidator('merchantFulfillmentV0#/definitions/CancelShipmentResponse'),
  get: modelValidator('merchantFulfillmentV0#/definitions/GetShipmentResponse'),
};

/**
 * The one exception Amazon makes to its own model: a cancelled MFN shipment's empty label carries
 * FileType "" (the model's sandbox example for cancelShipment), outside the FileType enum.
 */
function isEmptyLabelException(error: ErrorObject, body: unknown): boolean {
  const status = (body as { payload?: { Status?: unknown } }).payload?.Status;
  return (
    error.keyword === 'enum' &&
    error.instancePath === '/payload/Label/FileContents/FileType' &&
    error.data === '' &&
    status !== 'Purchased'
  );
}

function check(validate: ValidateFunction, body: unknown, what: string, allowEmptyLabel = false): void {
  if (validate(body)) return;
  const errors = (validate.errors ?? []).filter((e) => !(allowEmptyLabel && isEmptyLabelException(e, body)));
  if (errors.length > 0) {
    throw new Error(
      `${what} does not match Amazon's schema: ${ajv.errorsText(errors)}\n${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
}

export interface Exchange {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const mwsXmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
});

/** Element paths of an XML document, e.g. "CancelShipmentResponse/ResponseMetadata/RequestId". */
export function xmlElementPaths(xml: string): Set<string> {
  const paths = new Set<string>();
  const walk = (node: unknown, prefix: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, prefix));
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@_') || key === '?xml') continue;
      const p = prefix ? `${prefix}/${key}` : key;
      paths.add(p);
      walk(value, p);
    }
  };
  walk(mwsXmlParser.parse(xml), '');
  return paths;
}

const seedXmlPaths = xmlElementPaths(mwsXmlSample);

export function parseXml(xml: string): Record<string, unknown> {
  return mwsXmlParser.parse(xml) as Record<string, unknown>;
}

function checkMwsXml(ex: Exchange): void {
  const paths = xmlElementPaths(ex.text);
  if (ex.status >= 400) {
    for (const p of [
      'ErrorResponse/Error/Type',
      'ErrorResponse/Error/Code',
      'ErrorResponse/Error/Message',
      'ErrorResponse/RequestId',
    ]) {
      if (!paths.has(p)) throw new Error(`MWS XML error lacks ${p}: ${ex.text}`);
    }
    return;
  }
  // Same element names as the seed's sample (GetShipment mirrors CancelShipment's names).
  const normalised = [...paths].map((p) =>
    p
      .replace(/^GetShipmentResponse\/GetShipmentResult/, 'CancelShipmentResponse/CancelShipmentResult')
      .replace(/^GetShipmentResponse/, 'CancelShipmentResponse'),
  );
  const unknown = normalised.filter((p) => !seedXmlPaths.has(p));
  if (unknown.length > 0) throw new Error(`MWS XML has elements the seed does not: ${unknown.join(', ')}`);
  for (const p of ['Shipment/ShipmentId', 'Shipment/Status', 'Shipment/ItemList/Item/OrderItemId']) {
    if (!normalised.includes(`CancelShipmentResponse/CancelShipmentResult/${p}`))
      throw new Error(`MWS XML lacks ${p}`);
  }
  if (!normalised.includes('CancelShipmentResponse/ResponseMetadata/RequestId'))
    throw new Error('MWS XML lacks RequestId');
}

function header(ex: Exchange, name: string): string | undefined {
  const value = ex.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** x-amzn-RequestId always; x-amzn-RateLimit-Limit only on 200/400/404 (never on 429), as seed 000 says. */
function checkSpApiHeaders(ex: Exchange): void {
  if (!header(ex, 'x-amzn-RequestId'))
    throw new Error(`${ex.method} ${ex.path} ${ex.status}: no x-amzn-RequestId`);
  const limit = header(ex, 'x-amzn-RateLimit-Limit');
  const expected = [200, 400, 404].includes(ex.status);
  if (expected !== (limit !== undefined)) {
    throw new Error(
      `${ex.method} ${ex.path} ${ex.status}: x-amzn-RateLimit-Limit ${limit === undefined ? 'missing' : 'unexpected'}`,
    );
  }
}

/** Throws unless the response is what Amazon's models (or the seeds) allow for that endpoint and status. */
export function validateAmazonExchange(ex: Exchange): void {
  const p = ex.path.split('?')[0] ?? '';
  const what = `${ex.method} ${p} → ${ex.status}`;
  const contentType = header(ex, 'content-type') ?? '';
  const body = (): unknown => JSON.parse(ex.text);
  if (p.startsWith('/shipping/v2/')) {
    checkSpApiHeaders(ex);
    const ok = p === '/shipping/v2/tracking' ? v2.tracking : v2.cancel;
    return check(ex.status === 200 ? ok : v2.errors, body(), what);
  }
  if (p.startsWith('/mfn/v0/shipments/')) {
    checkSpApiHeaders(ex);
    const parsed = body();
    check(ex.method === 'DELETE' ? v0.cancel : v0.get, parsed, what, true);
    const hasPayload = (parsed as { payload?: unknown }).payload !== undefined;
    const hasErrors = Array.isArray((parsed as { errors?: unknown }).errors);
    if (ex.status === 200 ? !hasPayload : !hasErrors)
      throw new Error(`${what}: expected ${ex.status === 200 ? 'payload' : 'errors'}`);
    return;
  }
  if (p === '/tokens/2021-03-01/restrictedDataToken') {
    if (!header(ex, 'x-amzn-RequestId')) throw new Error(`${what}: no x-amzn-RequestId`);
    return check(ex.status === 200 ? rdtSuccessSchema : v2.errors, body(), what);
  }
  if (p === '/auth/o2/token')
    return check(ex.status === 200 ? lwaSuccessSchema : lwaErrorSchema, body(), what);
  if (p.toLowerCase().startsWith('/api/mws/shipment/')) {
    if (!header(ex, 'x-amzn-RequestId')) throw new Error(`${what}: no x-amzn-RequestId`);
    if (contentType.includes('xml')) return checkMwsXml(ex);
    if (ex.status >= 400) return check(mwsErrorSchema, body(), what);
    return check(p.toLowerCase().endsWith('getshipment') ? mwsGetSchema : mwsCancelSchema, body(), what);
  }
}

/** For the oracle's own tests: validate a body against a named model definition. */
export function validateAgainstModel(ref: string, body: unknown, allowEmptyLabel = false): void {
  check(modelValidator(ref), body, ref, allowEmptyLabel);
}
