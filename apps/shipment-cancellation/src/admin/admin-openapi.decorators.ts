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

type SchemaObject = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const properties = (schema: SchemaObject): Record<string, SchemaObject> =>
  schema['properties'] as Record<string, SchemaObject>;

const PATH_PARAMS: Record<string, SchemaObject> = {
  ...properties(shipmentParamsSchema),
  ...properties(cancellationParamsSchema),
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
  404: 'No such order, shipment or cancellation.',
  409: 'The current state forbids it (already cancelled, cancellation not failed…); `conflict` says what exists.',
  413: 'The body is larger than ADMIN_BODY_LIMIT_BYTES (16 KiB by default).',
  415: 'The body is not `application/json`.',
  422: 'The request does not match the schema (`details` lists each field by JSON Pointer), or the Idempotency-Key was used for another request.',
  429: 'This key is over ADMIN_RATE_LIMIT_PER_MINUTE; `Retry-After` says when to come back.',
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

export function AdminRead(
  operationId: string,
  summary: string,
  response: string,
  params: string[],
  listQuery = false,
) {
  const query = listQuery
    ? Object.entries(properties(listQuerySchema)).map(([name, schema]) =>
        ApiQuery({ name, required: name === 'state', schema }),
      )
    : [];
  return applyDecorators(
    ApiOperation({ operationId, summary, description: 'Role: viewer or operator.' }),
    ...pathParams(params),
    ...query,
    ApiResponse({ status: 200, description: 'OK.', schema: ref(response), headers: requestIdHeader }),
    ...errorResponses(listQuery ? [401, 403, 422, 429] : [401, 403, 404, 422, 429]),
  );
}

export function AdminWrite(operationId: string, summary: string, response: string, params: string[]) {
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
    ApiBody({ required: true, schema: writeBodySchema }),
    ApiResponse({
      status: 202,
      description:
        'Accepted: the carrier is called by the worker; follow the cancellation with the read endpoints.',
      schema: ref(response),
      headers: {
        ...requestIdHeader,
        'idempotent-replayed': {
          description: '`true` when this is a stored response replayed.',
          schema: { type: 'string' },
        },
      },
    }),
    ...errorResponses([400, 401, 403, 404, 409, 413, 415, 422, 429]),
  );
}
