import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig } from '../../platform/config/config';
import { testKey } from '../testing';
import { docsKeyMiddleware } from './docs-key.middleware';

describe('docsKeyMiddleware', () => {
  const viewer = testKey('victor', 'viewer');
  const operator = testKey('alice', 'operator');
  const { apiKeys } = loadConfig({ ADMIN_API_KEYS: `${viewer.entry},${operator.entry}` }).admin;
  const middleware = docsKeyMiddleware(apiKeys);

  function serve(authorization?: string) {
    const headers: Record<string, string> = {};
    const res = {
      statusCode: 200,
      body: '',
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
      end(body: string) {
        res.body = body;
      },
    };
    const req = { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
    let passed = false;
    middleware(req, res as unknown as ServerResponse, () => (passed = true));
    return {
      passed,
      status: res.statusCode,
      headers,
      body: res.body ? (JSON.parse(res.body) as unknown) : null,
    };
  }

  it.each([
    ['a viewer key', viewer],
    ['an operator key', operator],
  ])('lets %s through', (_who, key) => {
    expect(serve(`Bearer ${key.key}`)).toMatchObject({ passed: true, status: 200 });
  });

  it.each([
    ['no key', undefined],
    ['an unknown key', `Bearer ${testKey('mallory', 'operator').key}`],
    ['a malformed header', `Basic ${viewer.key}`],
  ])('answers %s with 401 in the admin error shape', (_what, authorization) => {
    const answer = serve(authorization);
    expect(answer.passed).toBe(false);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="admin"');
    expect(answer.body).toEqual({
      statusCode: 401,
      error: 'unauthorized',
      message: expect.stringContaining('Bearer'),
      requestId: answer.headers['x-request-id'],
    });
  });
});
