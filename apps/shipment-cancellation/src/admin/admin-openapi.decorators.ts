// OpenAPI metadata for the admin routes, kept out of the controller. Request schemas are the ones the
// validation runs; responses refer to the components in admin-openapi.schemas.ts.
import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  cancellationParamsSchema,
  listQuerySchema,
  shipmentParamsSchema,
  writeBodySchema,
} from './admin.schemas';
import { deadLetterParamsSchema } from './dead-letters/dead-letters.schemas';
import { type Schema as SchemaObject, ref } from './admin-openapi.schema-parts';

const properties = (schema: SchemaObject): Record<string, SchemaObject> =>
  schema['properties'] as Record<string, SchemaObject>;

const PATH_PARAMS: Record<string, SchemaObject> = {
  ...properties(shipmentParamsSchema),
  ...properties(cancellationParamsSchema),
  ...properties(deadLetterParamsSchema),
};

const requestIdHeader = {
  'x-request-id': {
    description: 'This request’s id, also in the audit log and in error bodies.',
    schema: { type: 'string' },
  },
};

const ERRORS: Record<number, string> = {
  400: 'The body is not valid JSON.',
  401: 'No API key, or not a valid one.',
  403: 'The key’s role may not do this (viewer keys only read).',
  404: 'No such order, shipment, cancellation or dead letter.',
  409: 'The current state forbids it (already cancelled, cancellation not failed…); `conflict` says what exists.',
  413: 'The body is larger than ADMIN_BODY_LIMIT_BYTES (16 KiB by default).',
  415: 'The body is not `application/json`.',
  422: 'The request does not match the schema (`details` lists each field by JSON Pointer), or the Idempotency-Key was used for another request.',
  429: 'This key is over ADMIN_RATE_LIMIT_PER_MINUTE; `Retry-After` says when to come back.',
  503: 'The broker did not acknowledge the send in time; nothing was recorded or audited. Try again.',
};

function errorResponses(statuses: number[]) {
  return statuses.map((status) =>
    ApiResponse({
      status,
      description: ERRORS[status] ?? 'Error.',
      schema: ref('Error'),
      headers: requestIdHeader,
    }),
  );
}

function pathParams(names: string[]) {
  return names.map((name) =>
    ApiParam({ name, required: true, schema: PATH_PARAMS[name] ?? { type: 'string' } }),
  );
}

export function ApiAdmin() {
  return applyDecorators(ApiTags('admin'), ApiBearerAuth('apiKey'));
}

/** `listQuery`: the query schema of a list route (`true`: the cancellations list's). */
export function AdminRead(
  operationId: string,
  summary: string,
  response: string,
  params: string[],
  listQuery: boolean | SchemaObject = false,
) {
  const querySchema = listQuery === true ? listQuerySchema : listQuery || null;
  const required = (querySchema?.['required'] as string[] | undefined) ?? [];
  const query = querySchema
    ? Object.entries(properties(querySchema)).map(([name, schema]) =>
        ApiQuery({ name, required: required.includes(name), schema }),
      )
    : [];
  return applyDecorators(
    ApiOperation({ operationId, summary, description: 'Role: viewer or operator.' }),
    ...pathParams(params),
    ...query,
    ApiResponse({ status: 200, description: 'OK.', schema: ref(response), headers: requestIdHeader }),
    ...errorResponses(querySchema ? [401, 403, 422, 429] : [401, 403, 404, 422, 429]),
  );
}

/** How a write answers when it is not the default (202, carrier work follows; a `WriteBody`). */
export interface WriteDoc {
  body?: SchemaObject;
  status?: number;
  description?: string;
  errors?: number[];
}

const ACCEPTED =
  'Accepted: the carrier is called by the worker; follow the cancellation with the read endpoints.';

export function AdminWrite(
  operationId: string,
  summary: string,
  response: string,
  params: string[],
  doc: WriteDoc = {},
) {
  return applyDecorators(
    ApiOperation({
      operationId,
      summary,
      description:
        'Role: operator. Audited. With an `Idempotency-Key`, a repeat of the same request (same key, path and body) ' +
        'returns the first response again, with `Idempotent-Replayed: true`; the same key with another request is a 422.',
    }),
    ...pathParams(params),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any 1–255 printable ASCII characters, unique per request of this API key (a UUID is a good choice). ' +
        'The first answer is kept for IDEMPOTENCY_RETENTION_HOURS (24 by default).',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
    ApiBody({ required: true, schema: doc.body ?? writeBodySchema }),
    ApiResponse({
      status: doc.status ?? 202,
      description: doc.description ?? ACCEPTED,
      schema: ref(response),
      headers: {
        ...requestIdHeader,
        'idempotent-replayed': {
          description: '`true` when this is a stored response replayed.',
          schema: { type: 'string' },
        },
      },
    }),
    ...errorResponses(doc.errors ?? [400, 401, 403, 404, 409, 413, 415, 422, 429]),
  );
}
