// The admin API's OpenAPI document: served at /docs (Swagger UI) and /docs-json, and committed as
// apps/shipment-cancellation/openapi.json (scripts/admin-openapi.ts writes it; an e2e test compares).
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { adminResponseSchemas } from './admin-openapi.schemas';

export const OPENAPI_REGENERATE_COMMAND =
  'SWC_NODE_PROJECT=apps/shipment-cancellation/tsconfig.json node -r @swc-node/register apps/shipment-cancellation/scripts/admin-openapi.ts';

const DESCRIPTION = [
  'Manual cancels for operators: preview, cancel a shipment or a whole order, inspect, retry a failed one (or',
  'every failed one matching a filter), resolve one the carrier left open with what Seller Central shows;',
  'list dead letters (inputs that could never be processed) and redrive them after a fix.',
  '',
  'Authenticate with `Authorization: Bearer <key>`; keys come from `npm run admin:keygen` and are configured',
  'as hashes in `ADMIN_API_KEYS`. Viewer keys read; operator keys also write. Every write needs a `reason`,',
  'is audited (actor, role, reason, request id, idempotency key, result) and accepts an `Idempotency-Key`.',
  'Every response carries `x-request-id`. Errors share one shape (`Error`).',
].join('\n');

export function createAdminDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Shipment cancellation: admin API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An admin API key (osc_…).' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...adminResponseSchemas },
  };
  return document;
}

export function setupAdminDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, createAdminDocument(app), { jsonDocumentUrl: 'docs-json' });
}
