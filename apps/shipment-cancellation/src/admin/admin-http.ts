import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../platform/config/config';
import { setupAdminDocs } from './admin-openapi';
import { DOCS_PATHS, docsKeyMiddleware } from './auth/docs-key.middleware';
import { adminHttpMiddleware } from './http/admin-http.middleware';

/**
 * Call right after NestFactory.create, before the app initialises: the /admin middleware must sit ahead of
 * Nest's body parsers (registered at init) to enforce its own size, type and JSON rules.
 */
export function configureAdminHttp(app: INestApplication, config: AppConfig): void {
  app.use('/admin', adminHttpMiddleware({ bodyLimitBytes: config.admin.bodyLimitBytes }));
  if (config.admin.docsRequireKey) {
    const requireKey = docsKeyMiddleware(config.admin.apiKeys);
    for (const path of DOCS_PATHS) app.use(path, requireKey);
  }
  setupAdminDocs(app);
}
