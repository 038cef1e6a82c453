import { AmazonStubServer } from '../../test/support/amazon-stub.server';
import { CREDENTIALS } from '../../test/support/client.fixture';
import { UndiciHttpTransport } from '../http/http.transport';
import { SecretRedactor } from '../http/secret.redactor';
import { VirtualClock } from '../retry/clock';
import { LwaError, LwaTokenProvider } from './lwa-token.provider';

describe('LwaTokenProvider', () => {
  let stub: AmazonStubServer;
  const transport = new UndiciHttpTransport();

  beforeEach(async () => {
    stub = await AmazonStubServer.start();
  });
  afterEach(() => stub.close());
  afterAll(() => transport.close());

  const provider = (clock = new VirtualClock(), redactor = new SecretRedactor()) =>
    new LwaTokenProvider({
      tokenUrl: `${stub.baseUrl}/auth/o2/token`,
      transport,
      clock,
      redactor,
      timeoutMs: 2_000,
    });

  it('posts a form-encoded refresh_token grant to the configured URL', async () => {
    const token = await provider().getAccessToken(CREDENTIALS);
    expect(token).toBe('Atza|stub-access-token-1');
    const [request] = stub.requestsTo('POST', '/auth/o2/token');
    expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: CREDENTIALS.refreshToken,
      client_id: CREDENTIALS.clientId,
      client_secret: CREDENTIALS.clientSecret,
    });
  });

  it('caches one token per credential set and refreshes it a minute before expiry', async () => {
    const clock = new VirtualClock();
    const lwa = provider(clock);
    const first = await lwa.getAccessToken(CREDENTIALS);
    clock.advance(3_600_000 - 61_000);
    expect(await lwa.getAccessToken(CREDENTIALS)).toBe(first);
    expect(lwa.refreshCount).toBe(1);
    clock.advance(2_000);
    expect(await lwa.getAccessToken(CREDENTIALS)).not.toBe(first);
    expect(lwa.refreshCount).toBe(2);
    const other = await lwa.getAccessToken({ ...CREDENTIALS, refreshToken: 'Atzr|another-seller-token' });
    expect(other).not.toBe(first);
    expect(lwa.refreshCount).toBe(3);
  });

  it('says whether a token came from the cache or from a refresh made for the caller', async () => {
    const lwa = provider();
    const first = await lwa.getAccessTokenGrant(CREDENTIALS);
    expect(first).toEqual({ token: expect.stringMatching(/^Atza\|/), cached: false });
    expect(await lwa.getAccessTokenGrant(CREDENTIALS)).toEqual({ token: first.token, cached: true });
    lwa.invalidate(CREDENTIALS, first.token);
    const second = await lwa.getAccessTokenGrant(CREDENTIALS);
    expect(second.cached).toBe(false);
    expect(second.token).not.toBe(first.token);
    expect(lwa.refreshCount).toBe(2);
  });

  it('runs one refresh at a time for concurrent callers', async () => {
    stub.on('POST', '/auth/o2/token', () => ({ ...stub.issueToken(), delayMs: 50 }));
    const lwa = provider();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => lwa.getAccessToken(CREDENTIALS)));
    expect(new Set(tokens).size).toBe(1);
    expect(stub.requestsTo('POST', '/auth/o2/token')).toHaveLength(1);
  });

  it('invalidate drops only the token Amazon called expired', async () => {
    const lwa = provider();
    const first = await lwa.getAccessToken(CREDENTIALS);
    lwa.invalidate(CREDENTIALS, 'Atza|some-older-token');
    expect(await lwa.getAccessToken(CREDENTIALS)).toBe(first);
    lwa.invalidate(CREDENTIALS, first);
    expect(await lwa.getAccessToken(CREDENTIALS)).not.toBe(first);
  });

  it.each([
    [400, 'invalid_grant', 'invalid_grant'],
    [401, 'invalid_client', 'invalid_client'],
    [400, 'unauthorized_client', 'invalid_client'],
    [400, 'invalid_request', 'unauthorized'],
  ] as const)('HTTP %i %s needs a person (%s)', async (status, error, problem) => {
    stub.on('POST', '/auth/o2/token', {
      status,
      json: { error, error_description: 'The request has an invalid parameter' },
    });
    const failure = await provider()
      .getAccessToken(CREDENTIALS)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LwaError);
    expect(failure).toMatchObject({ problem, httpStatus: status, errorCode: error, transient: false });
  });

  it.each([500, 503, 429])('HTTP %i from LWA is transient', async (status) => {
    stub.on('POST', '/auth/o2/token', { status, json: {} });
    await expect(provider().getAccessToken(CREDENTIALS)).rejects.toMatchObject({ transient: true });
  });

  it('a failed refresh is not cached: the next call tries again', async () => {
    stub.on('POST', '/auth/o2/token', { status: 503, json: {} }, () => stub.issueToken());
    const lwa = provider();
    await expect(lwa.getAccessToken(CREDENTIALS)).rejects.toBeInstanceOf(LwaError);
    await expect(lwa.getAccessToken(CREDENTIALS)).resolves.toMatch(/^Atza\|/);
  });

  it('never puts a secret in its error messages, even when LWA echoes them', async () => {
    stub.on('POST', '/auth/o2/token', (req) => ({
      status: 400,
      json: { error: 'invalid_grant', error_description: `bad ${req.body}` },
    }));
    const failure = (await provider()
      .getAccessToken(CREDENTIALS)
      .catch((e: unknown) => e)) as LwaError;
    expect(failure.message).toContain('invalid_grant');
    expect(failure.message).not.toContain(CREDENTIALS.clientSecret);
    expect(failure.message).not.toContain(CREDENTIALS.refreshToken);
    expect(failure.message).not.toContain(encodeURIComponent(CREDENTIALS.refreshToken));
  });
});
