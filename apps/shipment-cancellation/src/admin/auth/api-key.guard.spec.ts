import { type ExecutionContext, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadConfig } from '../../platform/config/config';
import { AdminError } from '../http/admin-error';
import type { AdminRequest } from '../http/admin-request';
import { apiKeysEnv, testKey } from '../testing';
import { type AdminRole } from './api-key';
import { ApiKeyGuard, RequiresRole } from './api-key.guard';

// Stand-ins for controller methods, marked the way AdminController's are.
class Routes {
  read(): string {
    return 'read';
  }
  write(): string {
    return 'write';
  }
  unmarked(): string {
    return 'unmarked';
  }
}
RequiresRole('viewer')(
  Routes.prototype,
  'read',
  Object.getOwnPropertyDescriptor(Routes.prototype, 'read') as PropertyDescriptor,
);
RequiresRole('operator')(
  Routes.prototype,
  'write',
  Object.getOwnPropertyDescriptor(Routes.prototype, 'write') as PropertyDescriptor,
);

describe('ApiKeyGuard', () => {
  const operator = testKey('alice', 'operator');
  const viewer = testKey('victor', 'viewer');
  const config = loadConfig({
    ADMIN_API_KEYS: apiKeysEnv([operator, viewer]),
    ADMIN_RATE_LIMIT_PER_MINUTE: '3',
    ADMIN_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '5',
  });
  let guard: ApiKeyGuard;
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    guard = new ApiKeyGuard(new Reflector(), config);
  });
  afterEach(() => jest.restoreAllMocks());

  function attempt(
    route: keyof Routes,
    authorization?: string,
    ip = '203.0.113.7',
  ): { req: AdminRequest; run: () => boolean } {
    const req = {
      headers: authorization === undefined ? {} : { authorization },
      ip,
      adminContext: { requestId: 'req-1' },
    } as unknown as AdminRequest;
    const context = {
      switchToHttp: () => ({ getRequest: () => req }),
      getHandler: () => Routes.prototype[route],
      getClass: () => Routes,
    } as unknown as ExecutionContext;
    return { req, run: () => guard.canActivate(context) };
  }

  function refusal(run: () => boolean): AdminError {
    try {
      run();
    } catch (error) {
      if (error instanceof AdminError) return error;
      throw error;
    }
    throw new Error('the guard let the request through');
  }

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${Buffer.from('alice:x').toString('base64')}`],
    ['an unknown key', `Bearer ${testKey('mallory', 'operator').key}`],
    ['the hash instead of the key', `Bearer ${operator.entry.split(':')[2]}`],
  ])('answers 401 with a Bearer challenge for %s', (_what, header) => {
    const error = refusal(attempt('read', header).run);
    expect(error).toMatchObject({
      status: 401,
      code: 'unauthorized',
      headers: { 'www-authenticate': 'Bearer realm="admin"' },
    });
  });

  it.each<[string, AdminRole, keyof Routes, boolean]>([
    ['operator', 'operator', 'write', true],
    ['operator', 'operator', 'read', true],
    ['viewer', 'viewer', 'read', true],
    ['viewer', 'viewer', 'write', false],
    // A route someone forgot to mark needs the stronger role.
    ['viewer', 'viewer', 'unmarked', false],
    ['operator', 'operator', 'unmarked', true],
  ])('a %s key (role %s) on the %s route is let through: %s', (_who, role, route, allowed) => {
    const key = role === 'operator' ? operator : viewer;
    const { req, run } = attempt(route, `Bearer ${key.key}`);
    if (allowed) {
      expect(run()).toBe(true);
      expect(req.adminContext?.principal).toEqual({ id: key.id, role });
    } else {
      expect(refusal(run)).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });

  it('answers 429 with Retry-After once a key is over its limit, per key', () => {
    for (let i = 0; i < 3; i++) expect(attempt('read', `Bearer ${viewer.key}`).run()).toBe(true);
    const error = refusal(attempt('read', `Bearer ${viewer.key}`).run);
    expect(error).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect(Number(error.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(attempt('read', `Bearer ${operator.key}`).run()).toBe(true);
  });

  it('does not count requests without a valid key against anyone', () => {
    for (let i = 0; i < 10; i++) refusal(attempt('read', 'Bearer osc_unknown').run);
    expect(attempt('read', `Bearer ${viewer.key}`).run()).toBe(true);
  });

  it('answers 429 with Retry-After to an address past its limit for calls without a valid key', () => {
    const headers = [undefined, 'Bearer osc_unknown', 'Basic b3BzOng='];
    const statuses = Array.from(
      { length: 8 },
      (_, i) => refusal(attempt('read', headers[i % headers.length]).run).status,
    );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const limited = refusal(attempt('read', 'Bearer osc_unknown').run);
    expect(limited).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another address is not held back, and a valid key from the limited address is still served.
    expect(refusal(attempt('read', 'Bearer osc_unknown', '198.51.100.9').run).status).toBe(401);
    expect(attempt('read', `Bearer ${viewer.key}`).run()).toBe(true);
  });
});
