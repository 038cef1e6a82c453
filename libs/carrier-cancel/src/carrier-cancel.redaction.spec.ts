import { CarrierCancelClient, CarrierCancelError } from './carrier-cancel.client';
import type { CancelRequest } from './port';
import { AmazonStubServer } from '../test/support/amazon-stub.server';
import type { RecordedRequest } from '../test/support/amazon-stub.server';
import { reply, ScriptedTransport } from '../test/support/scripted.transport';
import {
  captureLogger,
  CREDENTIALS,
  MWS_REQUEST,
  stubClient,
  V0_REQUEST,
  V2_REQUEST,
} from '../test/support/client.fixture';

const RDT_TOKEN = 'Atz.sprdt|restricted-data-token-secret';

// Amazon (or a bridge) echoing what it received is the worst case: every secret is in the reply.
const echo = (request: RecordedRequest) => ({
  status: 400,
  json: {
    errors: [
      {
        code: 'InvalidInput',
        message: `echo token=${String(request.headers['x-amz-access-token'])} body=${request.body}`,
        details: `secret ${CREDENTIALS.clientSecret} refresh ${CREDENTIALS.refreshToken}`,
      },
    ],
  },
});

describe('secrets never leave the library', () => {
  let stub: AmazonStubServer;
  let client: CarrierCancelClient;
  const logs = captureLogger();
  const seen: string[] = [];

  beforeAll(async () => {
    stub = await AmazonStubServer.start();
    client = stubClient(stub, {
      logger: logs.logger,
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2, attemptTimeoutMs: 200 },
      rateLimits: { 'amazon-mfn-v0': { ratePerSecond: 1_000, burst: 1_000 } },
    });
  });
  afterAll(async () => {
    await client.close();
    await stub.close();
  });

  const scenarios: Array<[string, () => void, CancelRequest]> = [
    ['success', () => stub.on('PUT', /cancel$/, { status: 200, json: { payload: {} } }), V2_REQUEST],
    ['a 400 echoing token and secrets', () => stub.on('PUT', /cancel$/, echo), V2_REQUEST],
    [
      'a 403 echoing them',
      () => stub.on('POST', '/api/mws/shipment/CancelShipment', (r) => ({ ...echo(r), status: 403 })),
      MWS_REQUEST,
    ],
    [
      'a 500 echoing them',
      () => stub.on('POST', '/api/mws/shipment/CancelShipment', (r) => ({ ...echo(r), status: 500 })),
      MWS_REQUEST,
    ],
    ['a dropped connection', () => stub.on('PUT', /cancel$/, { drop: true }), V2_REQUEST],
    ['a timeout', () => stub.on('PUT', /cancel$/, { hang: true }), V2_REQUEST],
    [
      'MFN v0 with an RDT echoed back',
      () => {
        stub.on('POST', '/tokens/2021-03-01/restrictedDataToken', {
          status: 200,
          json: { restrictedDataToken: RDT_TOKEN, expiresIn: 3600 },
        });
        stub.on('DELETE', /^\/mfn\//, echo);
        stub.on('GET', /^\/mfn\//, echo);
      },
      V0_REQUEST,
    ],
    [
      'LWA invalid_grant echoing the form',
      () =>
        stub.on('POST', '/auth/o2/token', (r) => ({
          status: 400,
          json: { error: 'invalid_grant', error_description: `bad request ${r.body}` },
        })),
      { ...MWS_REQUEST, sellerAccount: 'seller-1' },
    ],
  ];

  it.each(scenarios)('%s: nothing secret in the outcome or the logs', async (_name, arrange, request) => {
    arrange();
    // A fresh credential set per scenario, so LWA is asked each time.
    const outcome = await client.cancel(request);
    seen.push(JSON.stringify(outcome));
    const status = await client.status({ ...request, trackingId: 't', carrierId: 'c' });
    seen.push(JSON.stringify(status));
    expect(outcome.kind).toBeDefined();
  });

  it('a credentials provider that throws with a secret in its message is redacted too', async () => {
    const leaky = new CarrierCancelClient({
      endpoints: { lwaTokenUrl: `${stub.baseUrl}/auth/o2/token`, mwsBridge: stub.baseUrl },
      credentials: () => {
        throw new Error(`cannot decrypt Atzr|IwEBvault-refresh-token and amzn1.oa2-cs.v1.vaultsecret99`);
      },
      logger: logs.logger,
    });
    seen.push(JSON.stringify(await leaky.cancel(MWS_REQUEST)));
    await leaky.close();
  });

  it('an unexpected failure is thrown as a CarrierCancelError with secrets masked', async () => {
    const transport = new ScriptedTransport(
      reply(200, { access_token: 'Atza|fresh-token-for-throw', expires_in: 3600 }),
      () => {
        throw new Error(`socket exploded with ${CREDENTIALS.clientSecret} and Atza|fresh-token-for-throw`);
      },
    );
    const broken = new CarrierCancelClient(
      {
        endpoints: { lwaTokenUrl: 'http://lwa', mwsBridge: 'http://bridge' },
        credentials: () => CREDENTIALS,
        logger: logs.logger,
      },
      { transport },
    );
    const error = await broken.cancel(MWS_REQUEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierCancelError);
    seen.push((error as Error).message);
    expect((error as Error).message).toContain('socket exploded with [REDACTED] and [REDACTED]');
  });

  it('no client secret, refresh token, access token or RDT appears anywhere', () => {
    const haystack = `${seen.join('\n')}\n${logs.text()}`;
    expect(logs.lines.length).toBeGreaterThan(10);
    expect(stub.issuedTokens.length).toBeGreaterThan(0);
    const secrets = [
      CREDENTIALS.clientSecret,
      CREDENTIALS.refreshToken,
      encodeURIComponent(CREDENTIALS.refreshToken),
      encodeURIComponent(CREDENTIALS.clientSecret),
      RDT_TOKEN,
      'IwEBvault-refresh-token',
      'vaultsecret99',
      ...stub.issuedTokens,
    ];
    for (const secret of secrets) expect(haystack).not.toContain(secret);
    // The echoes did arrive: the texts are there, with the secrets masked.
    expect(haystack).toContain('[REDACTED]');
    expect(haystack).toContain('echo token=');
  });
});
