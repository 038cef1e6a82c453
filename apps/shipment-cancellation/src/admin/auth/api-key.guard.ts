import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { AdminError } from '../http/admin-error';
import { type AdminRequest, adminContextOf } from '../http/admin-request';
import { type AdminRole, ApiKeyVerifier, bearerToken, roleAllows } from './api-key';
import { KeyRateLimiter } from './rate-limiter';

/** The least role a route needs; routes without one need `operator` (fail closed). */
export const RequiresRole = Reflector.createDecorator<AdminRole>();

/**
 * Bearer key → principal; without one, the client address's limit for such calls (429), else 401. Then the
 * key's rate limit (429), then the route's role (403).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('AdminAuth');
  private readonly verifier: ApiKeyVerifier;
  private readonly limiter: KeyRateLimiter;
  private readonly keylessLimiter: KeyRateLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.verifier = new ApiKeyVerifier(config.admin.apiKeys);
    this.limiter = new KeyRateLimiter(config.admin.rateLimitPerMinute);
    this.keylessLimiter = new KeyRateLimiter(config.admin.unauthenticatedRateLimitPerMinute);
    if (this.verifier.size === 0)
      this.logger.warn('ADMIN_API_KEYS is empty: every admin request will be refused');
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const admin = adminContextOf(req);
    const challenge = { 'www-authenticate': 'Bearer realm="admin"' };
    const token = bearerToken(req.headers.authorization);
    const principal = token === null ? null : this.verifier.verify(token);
    if (!principal) {
      // Counted per address, so that key guessing (or a client stuck on an old key) is slowed down and our
      // logs are not flooded; a valid key from the same address is still served.
      const keyless = this.keylessLimiter.take(clientAddress(req));
      if (!keyless.allowed) {
        throw new AdminError(
          429,
          'too_many_requests',
          'too many calls without a valid API key from this address; retry later',
          {},
          { 'retry-after': String(keyless.retryAfterSeconds) },
        );
      }
      if (token === null) {
        throw new AdminError(
          401,
          'unauthorized',
          'send an API key as Authorization: Bearer <key>',
          {},
          challenge,
        );
      }
      this.logger.warn(`admin request ${admin.requestId} refused: unknown API key`);
      throw new AdminError(401, 'unauthorized', 'the API key is not valid', {}, challenge);
    }
    admin.principal = principal;
    const rate = this.limiter.take(principal.id);
    if (!rate.allowed) {
      throw new AdminError(
        429,
        'too_many_requests',
        'this API key is over its rate limit; retry later',
        {},
        {
          'retry-after': String(rate.retryAfterSeconds),
        },
      );
    }
    const required =
      this.reflector.getAllAndOverride(RequiresRole, [context.getHandler(), context.getClass()]) ??
      'operator';
    if (!roleAllows(principal.role, required)) {
      throw new AdminError(
        403,
        'forbidden',
        `this needs the ${required} role; the key '${principal.id}' is a ${principal.role}`,
      );
    }
    return true;
  }
}

// Express's req.ip honours the app's 'trust proxy' setting (off by default: the socket's peer, which a
// client cannot forge, unlike X-Forwarded-For).
function clientAddress(req: AdminRequest & { ip?: string }): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}
