import { CarrierCancelClient } from '../carrier-cancel.client';
import { SHIPPING_BUSINESS_REGIONS } from '../amazon-regions';
import type { CancelOutcome } from '../port';
import { AmazonStubServer, errorBody } from '../../test/support/amazon-stub.server';
import { loadModel, ModelOracle } from '../../test/support/amazon-models.oracle';
import { CREDENTIALS, stubClient, V2_REQUEST } from '../../test/support/client.fixture';
import { reply, ScriptedTransport } from '../../test/support/scripted.transport';

const v2 = new ModelOracle(loadModel('shippingV2.json'));
const v1 = new ModelOracle(loadModel('shipping.json'));
const CANCEL_TEMPLATE = '/shipping/v2/shipments/{shipmentId}/cancel';
const CANCEL = /^\/shipping\/v2\/shipments\/[^/]+\/cancel$/;

// What the adapter must make of each documented status (no trackingId, so no getTracking follow-up).
const EXPECTED: Record<number, Partial<CancelOutcome>> = {
  200: { kind: 'voided' },
  400: { kind: 'rejected', reason: 'invalid_request' },
  401: { kind: 'needs_attention', problem: 'unauthorized' },
  403: { kind: 'needs_attention', problem: 'access_denied' },
  404: { kind: 'rejected', reason: 'not_found' },
  413: { kind: 'rejected', reason: 'invalid_request' },
  415: { kind: 'rejected', reason: 'invalid_request' },
  429: { kind: 'retry_later', cause: 'throttled' },
  500: { kind: 'unknown', cause: 'server_error' },
  503: { kind: 'retry_later', cause: 'unavailable' },
};

describe('Shipping v2 against Amazon’s models', () => {
  let stub: AmazonStubServer;
  let client: CarrierCancelClient;

  beforeEach(async () => {
    stub = await AmazonStubServer.start();
    client = stubClient(stub, { retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 } });
  });
  afterEach(async () => {
    await client.close();
    await stub.close();
  });

  it('the model documents the statuses the adapter handles', () => {
    expect(Object.keys(v2.operation('PUT', CANCEL_TEMPLATE).responses).map(Number).sort()).toEqual(
      Object.keys(EXPECTED).map(Number).sort(),
    );
  });

  it.each(Object.keys(SHIPPING_BUSINESS_REGIONS))(
    'the cancel request for %s satisfies the model',
    async (businessId) => {
      stub.on('PUT', CANCEL, { status: 200, json: { payload: {} } });
      await client.cancel({ ...V2_REQUEST, businessId });
      const [put] = stub.requestsTo('PUT', CANCEL);
      expect(put).toBeDefined();
      expect(v2.checkRequest(CANCEL_TEMPLATE, put as NonNullable<typeof put>)).toEqual([]);
    },
  );

  it('the getTracking request satisfies the model', async () => {
    stub.on('GET', '/shipping/v2/tracking', {
      status: 200,
      json: { payload: { summary: { status: 'PreTransit' } } },
    });
    await client.status({ ...V2_REQUEST, trackingId: '1Z9', carrierId: 'AMZN_UK' });
    const [get] = stub.requestsTo('GET', '/shipping/v2/tracking');
    expect(v2.checkRequest('/shipping/v2/tracking', get as NonNullable<typeof get>)).toEqual([]);
  });

  it('the oracle itself catches a wrong request (POST, missing token, unknown business)', () => {
    const bad = {
      method: 'PUT',
      url: '/x',
      pathname: '/shipping/v2/shipments/abc/cancel',
      query: new URLSearchParams(),
      headers: { 'x-amzn-shipping-business-id': 'AmazonShipping_DE' },
      body: '',
    };
    expect(v2.checkRequest(CANCEL_TEMPLATE, bad)).toEqual(
      expect.arrayContaining([
        'missing header x-amz-access-token',
        expect.stringContaining('x-amzn-shipping-business-id'),
      ]),
    );
    expect(v2.checkRequest(CANCEL_TEMPLATE, { ...bad, method: 'POST' })).toEqual([
      `the model has no POST ${CANCEL_TEMPLATE}`,
    ]);
  });

  it.each(
    Object.entries(v2.operation('PUT', CANCEL_TEMPLATE).responses).map(([status, r]) => [Number(status), r]),
  )('replays the model’s %i example through the adapter', async (status, response) => {
    const example = (response as { examples?: Record<string, unknown> }).examples?.['application/json'] ?? {};
    expect(v2.validateDefinition(status === 200 ? 'CancelShipmentResponse' : 'ErrorList', example)).toEqual(
      [],
    );
    stub.on('PUT', CANCEL, { status, json: example });
    expect(await client.cancel(V2_REQUEST)).toMatchObject({ ...EXPECTED[status], httpStatus: status });
  });

  it.each(
    v1
      .sandboxCases('POST', '/shipping/v1/shipments/{shipmentId}/cancel')
      .map((c) => [c.parameters['shipmentId'], c]),
  )(
    'replays Shipping v1’s canned sandbox case %s through the v2 adapter',
    async (shipmentId, sandboxCase) => {
      // v1's error bodies are SP-API ErrorLists, which v2 shares.
      if (sandboxCase.status !== 200)
        expect(v2.validateDefinition('ErrorList', sandboxCase.response)).toEqual([]);
      stub.on('PUT', `/shipping/v2/shipments/${shipmentId}/cancel`, {
        status: sandboxCase.status,
        json: sandboxCase.response,
      });
      const outcome = await client.cancel({ ...V2_REQUEST, carrierShipmentId: String(shipmentId) });
      expect(outcome).toMatchObject({ ...EXPECTED[sandboxCase.status], httpStatus: sandboxCase.status });
    },
  );

  it('replays the model’s getTracking example (unwrapped) and v1’s sandbox tracking case (wrapped)', async () => {
    const example = v2.operation('GET', '/shipping/v2/tracking').responses['200'] as {
      examples: Record<string, unknown>;
    };
    stub.on('GET', '/shipping/v2/tracking', { status: 200, json: example.examples['application/json'] });
    const request = { ...V2_REQUEST, trackingId: '23AA47DE2B3B6', carrierId: 'AMZN_UK' };
    expect(await client.status(request)).toMatchObject({
      kind: 'found',
      state: 'delivered',
      rawStatus: 'Delivered',
    });
    const [v1Case] = v1.sandboxCases('GET', '/shipping/v1/tracking/{trackingId}');
    stub.on('GET', '/shipping/v2/tracking', { status: 200, json: v1Case?.response });
    expect(await client.status(request)).toMatchObject({ kind: 'found', state: 'delivered' });
  });

  describe('the model’s 403 (Unauthorized) with empty details, as Amazon has sent it', () => {
    const example = (
      v2.operation('PUT', CANCEL_TEMPLATE).responses['403'] as { examples: Record<string, unknown> }
    ).examples['application/json'] as { errors: Array<Record<string, string>> };
    const emptyDetails = { errors: example.errors.map((e) => ({ ...e, details: '' })) };

    it('is a valid ErrorList', () => {
      expect(v2.validateDefinition('ErrorList', emptyDetails)).toEqual([]);
    });

    it('on a cached LWA token → one refresh, one retry with the new token → voided', async () => {
      stub.on('PUT', CANCEL, { status: 200, json: { payload: {} } });
      expect(await client.cancel(V2_REQUEST)).toMatchObject({ kind: 'voided' });
      stub.on('PUT', CANCEL, { status: 403, json: emptyDetails }, { status: 200, json: { payload: {} } });
      expect(await client.cancel(V2_REQUEST)).toMatchObject({ kind: 'voided', attempts: 2 });
      expect(stub.issuedTokens).toHaveLength(2);
      const puts = stub.requestsTo('PUT', CANCEL);
      expect(puts.map((r) => r.headers['x-amz-access-token'])).toEqual([
        stub.issuedTokens[0],
        stub.issuedTokens[0],
        stub.issuedTokens[1],
      ]);
      for (const put of puts) expect(v2.checkRequest(CANCEL_TEMPLATE, put)).toEqual([]);
    });

    it('again with the refreshed token → needs a person, after exactly one refresh', async () => {
      stub.on('PUT', CANCEL, { status: 200, json: { payload: {} } });
      await client.cancel(V2_REQUEST);
      stub.on('PUT', CANCEL, { status: 403, json: emptyDetails });
      expect(await client.cancel(V2_REQUEST)).toMatchObject({
        kind: 'needs_attention',
        problem: 'access_denied',
        httpStatus: 403,
        attempts: 2,
        errorCode: 'Unauthorized',
      });
      expect(stub.issuedTokens).toHaveLength(2);
      expect(stub.requestsTo('PUT', CANCEL)).toHaveLength(3);
    });

    it('on a token fetched for this very call → needs a person at once, no refresh loop', async () => {
      stub.on('PUT', CANCEL, { status: 403, json: emptyDetails });
      expect(await client.cancel(V2_REQUEST)).toMatchObject({
        kind: 'needs_attention',
        problem: 'access_denied',
        attempts: 1,
      });
      expect(stub.issuedTokens).toHaveLength(1);
      expect(stub.requestsTo('PUT', CANCEL)).toHaveLength(1);
    });
  });

  it('the error bodies the specs use are valid ErrorLists', () => {
    expect(
      v2.validateDefinition('ErrorList', errorBody('QuotaExceeded', 'You exceeded your quota.')),
    ).toEqual([]);
    expect(v2.validateDefinition('ErrorList', { errors: [{ code: 'X' }] })).not.toEqual([]);
  });
});

describe('Shipping v2 hosts', () => {
  it.each([
    ['production', 'AmazonShipping_US', 'https://sellingpartnerapi-na.amazon.com'],
    ['production', 'AmazonShipping_UK', 'https://sellingpartnerapi-eu.amazon.com'],
    ['production', 'AmazonShipping_IN', 'https://sellingpartnerapi-eu.amazon.com'],
    ['production', 'AmazonShipping_JP', 'https://sellingpartnerapi-fe.amazon.com'],
    ['sandbox', 'AmazonShipping_FR', 'https://sandbox.sellingpartnerapi-eu.amazon.com'],
    ['http://127.0.0.1:4010/', 'AmazonShipping_JP', 'http://127.0.0.1:4010'],
  ])('%s + %s → %s', async (endpoint, businessId, origin) => {
    const transport = new ScriptedTransport(
      reply(200, { access_token: 'Atza|x', expires_in: 3600 }),
      reply(200, { payload: {} }),
    );
    const client = new CarrierCancelClient(
      {
        endpoints: {
          lwaTokenUrl: 'https://api.amazon.com/auth/o2/token',
          shippingV2: endpoint,
          mwsBridge: 'http://bridge',
        },
        credentials: () => CREDENTIALS,
      },
      { transport },
    );
    await client.cancel({ ...V2_REQUEST, businessId, carrierShipmentId: 'a/b c' });
    expect(transport.requests.map((r) => r.url)).toEqual([
      'https://api.amazon.com/auth/o2/token',
      `${origin}/shipping/v2/shipments/a%2Fb%20c/cancel`,
    ]);
    expect(transport.requests[1]?.method).toBe('PUT');
  });
});
