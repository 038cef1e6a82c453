// With ADMIN_DOCS_REQUIRE_KEY the admin API's description (/docs with its assets, /docs-json, /docs-yaml) is
// served only to a valid admin key; viewers may read it. Runs before Swagger's own routes.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminApiKey } from '../../platform/config/config';
import { errorBody, sendJson } from '../http/admin-error';
import { ApiKeyVerifier, bearerToken, roleAllows } from './api-key';

export const DOCS_PATHS = ['/docs', '/docs-json', '/docs-yaml'] as const;

export function docsKeyMiddleware(keys: AdminApiKey[]) {
  const verifier = new ApiKeyVerifier(keys);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const token = bearerToken(req.headers.authorization);
    const principal = token === null ? null : verifier.verify(token);
    if (principal && roleAllows(principal.role, 'viewer')) {
      next();
      return;
    }
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('www-authenticate', 'Bearer realm="admin"');
    const message = 'the API docs need an admin API key as Authorization: Bearer <key>';
    sendJson(res, 401, errorBody(401, 'unauthorized', message, requestId));
  };
}
