// Writes apps/shipment-cancellation/openapi.json from the application's routes, without connecting to
// anything (Nest's preview mode builds the module graph but no provider). test/admin-openapi.e2e-spec.ts
// checks the committed file against what the running service serves at /docs-json.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { createAdminDocument } from '../src/admin/admin-openapi';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/platform/config/config';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot(loadConfig({})), { preview: true, logger: false });
  const document = createAdminDocument(app);
  const file = path.resolve(__dirname, '..', 'openapi.json');
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${Object.keys(document.paths).length} paths)`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
