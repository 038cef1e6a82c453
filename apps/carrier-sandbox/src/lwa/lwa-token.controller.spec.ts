import { startTestSandbox, TestSandbox } from '../testing/sandbox-harness';
import { DEFAULT_CREDENTIALS } from './token.store';

type Grant = Record<string, string>;
type TokenBody = { access_token: string; refresh_token: string; token_type: string; expires_in: number };
type OAuthError = { error: string; error_description: string };

describe('LWA POST /auth/o2/token', () => {
  let sandbox: TestSandbox;
  const grant = (overrides: Grant = {}): Grant => ({
    grant_type: 'refresh_token',
    refresh_token: DEFAULT_CREDENTIALS.refreshToken,
    client_id: DEFAULT_CREDENTIALS.clientId,
    client_secret: DEFAULT_CREDENTIALS.clientSecret,
    ...overrides,
  });
  const postForm = (params: Grant) =>
    sandbox.http('POST', '/auth/o2/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams(params).toString(),
    });

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(() => sandbox.close());

  it('exchanges the sandbox refresh token for an Atza access token valid 3600 s', async () => {
    const res = await postForm(grant());
    expect(res.status).toBe(200);
    const body = res.json<TokenBody>();
    expect(body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: DEFAULT_CREDENTIALS.refreshToken,
    });
    expect(body.access_token).toMatch(/^Atza\|/);
    expect((await sandbox.v2Cancel('unknown', { token: body.access_token })).status).toBe(404);
  });

  it('accepts a JSON body too, as the SP-API docs show', async () => {
    const res = await sandbox.http('POST', '/auth/o2/token', { body: grant() });
    expect(res.status).toBe(200);
  });

  it('answers a wrong client secret with 401 invalid_client', async () => {
    const res = await postForm(grant({ client_secret: 'rotated' }));
    expect(res.status).toBe(401);
    expect(res.json<OAuthError>().error).toBe('invalid_client');
  });

  it('answers an unknown or revoked refresh token with 400 invalid_grant', async () => {
    const unknown = await postForm(grant({ refresh_token: 'Atzr|nope' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json<OAuthError>().error).toBe('invalid_grant');
    await sandbox.control('POST', 'credentials', { revokeRefreshTokens: [DEFAULT_CREDENTIALS.refreshToken] });
    const revoked = await postForm(grant());
    expect(revoked.status).toBe(400);
    expect(revoked.json<OAuthError>().error).toBe('invalid_grant');
  });

  it('answers a bad request as LWA does', async () => {
    const grantType = await postForm(grant({ grant_type: 'authorization_code' }));
    expect(grantType.status).toBe(400);
    expect(grantType.json<OAuthError>().error).toBe('unsupported_grant_type');
    const { client_id: _omitted, ...noClient } = grant();
    const missing = await postForm(noClient);
    expect(missing.status).toBe(400);
    expect(missing.json<OAuthError>().error_description).toMatch(/client_id/);
  });

  it('accepts clients and refresh tokens configured through the control API, bound to their client', async () => {
    await sandbox.control('POST', 'credentials', {
      clients: [{ clientId: 'amzn1.application-oa2-client.other', clientSecret: 's3cret' }],
      refreshTokens: [
        {
          refreshToken: 'Atzr|other',
          clientId: 'amzn1.application-oa2-client.other',
          sellerAccount: 'seller-x',
        },
      ],
    });
    const other = grant({
      client_id: 'amzn1.application-oa2-client.other',
      client_secret: 's3cret',
      refresh_token: 'Atzr|other',
    });
    expect((await postForm(other)).status).toBe(200);
    // The new refresh token belongs to the new client only.
    expect((await postForm(grant({ refresh_token: 'Atzr|other' }))).status).toBe(400);
    expect((await sandbox.control('POST', 'credentials', { rotate: true })).status).toBe(400);
  });

  it('issues tokens with the configured TTL', async () => {
    await sandbox.control('PUT', 'settings', { tokenTtlSeconds: 60 });
    expect((await postForm(grant())).json<TokenBody>().expires_in).toBe(60);
  });
});
