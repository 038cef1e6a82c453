import { CarrierCancelClient } from '../carrier-cancel.client';
import { VirtualClock } from '../retry/clock';
import { AmazonStubServer, errorBody } from '../../test/support/amazon-stub.server';
import type { StubReply } from '../../test/support/amazon-stub.server';
import { CREDENTIALS, stubClient, V0_REQUEST } from '../../test/support/client.fixture';
import { mfnShipment } from '../../test/support/mfn-v0.fixtures';
import { reply, ScriptedTransport } from '../../test/support/scripted.transport';

const SHIPMENT = `/mfn/v0/shipments/${V0_REQUEST.carrierShipmentId}`;
const RDT = '/tokens/2021-03-01/restrictedDataToken';
const ok = (status: string): StubReply => ({ status: 200, json: { payload: mfnShipment(status) } });
let rdtCount = 0;
const rdt = (): StubReply => ({
  status: 200,
  json: { restrictedDataToken: `Atz.sprdt|rdt-${++rdtCount}`, expiresIn: 3600 },
});

describe('MFN v0 adapter', () => {
  let stub: AmazonStubServer;
  let client: CarrierCancelClient;

  beforeEach(async () => {
    stub = await AmazonStubServer.start();
    stub.on('POST', RDT, rdt);
    // MFN v0 allows 1 request/second: tests raise it so that they do not wait.
    client = stubClient(stub, {
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 },
      rateLimits: { 'amazon-mfn-v0': { ratePerSecond: 1_000, burst: 1_000 } },
    });
  });
  afterEach(async () => {
    await client.close();
    await stub.close();
  });

  it('gets a Restricted Data Token for the DELETE, then cancels with it', async () => {
    stub.on('DELETE', SHIPMENT, ok('RefundPending'));
    const outcome = await client.cancel(V0_REQUEST);
    expect(outcome).toMatchObject({
      kind: 'refund_pending',
      shipmentStatus: 'RefundPending',
      attempts: 1,
      httpStatus: 200,
    });
    const [tokenRequest] = stub.requestsTo('POST', RDT);
    expect(tokenRequest?.headers['x-amz-access-token']).toBe(stub.issuedTokens[0]);
    expect(JSON.parse(tokenRequest?.body ?? '')).toEqual({
      restrictedResources: [{ method: 'DELETE', path: SHIPMENT }],
    });
    const [del] = stub.requestsTo('DELETE', SHIPMENT);
    expect(del?.headers['x-amz-access-token']).toMatch(/^Atz\.sprdt\|rdt-/);
    expect(del?.headers['x-amz-access-token']).not.toBe(stub.issuedTokens[0]);
  });

  it.each([
    ['RefundPending', { kind: 'refund_pending', shipmentStatus: 'RefundPending' }],
    ['RefundApplied', { kind: 'voided', shipmentStatus: 'RefundApplied' }],
    ['RefundRejected', { kind: 'rejected', reason: 'window_expired' }],
    ['Purchased', { kind: 'unknown', cause: 'malformed_response' }],
  ])('200 with Status %s', async (status, expected) => {
    stub.on('DELETE', SHIPMENT, ok(status));
    expect(await client.cancel(V0_REQUEST)).toMatchObject(expected);
  });

  it('a cancelled shipment with an empty label FileType is accepted and returned whole', async () => {
    stub.on('DELETE', SHIPMENT, ok('RefundPending'));
    const outcome = await client.cancel(V0_REQUEST);
    expect(outcome.shipment?.Label?.FileContents).toEqual({ Contents: '', FileType: '', Checksum: '' });
    expect(outcome.shipment).toMatchObject({
      AmazonOrderId: '903-5563053-5647845',
      ShippingService: { Rate: { Amount: 34.73 } },
    });
  });

  it.each(['TEST_CASE_400', 'be7a0a53-00c3-4f6f-a63a', 'be7a0a53-00c3-4f6f-a63a-639f76ee9253/../x', ''])(
    'refuses the non-UUID shipment id %p before any request',
    async (carrierShipmentId) => {
      expect(await client.cancel({ ...V0_REQUEST, carrierShipmentId })).toMatchObject({
        kind: 'rejected',
        reason: 'invalid_request',
        attempts: 0,
      });
      expect(stub.requests).toHaveLength(0);
    },
  );

  it('a missing marketplace is refused before any request', async () => {
    expect(await client.cancel({ ...V0_REQUEST, marketplaceId: undefined })).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_request',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it.each([
    [
      401,
      'needs_attention/unauthorized',
      errorBody('Unauthorized', 'Access to requested resource is denied.'),
      { kind: 'needs_attention', problem: 'unauthorized' },
    ],
    [
      403,
      'needs_attention/access_denied',
      errorBody('Unauthorized', 'Access to requested resource is denied.'),
      { kind: 'needs_attention', problem: 'access_denied' },
    ],
    [
      404,
      'rejected/not_found',
      errorBody('NotFound', 'The requested resource does not exist.'),
      { kind: 'rejected', reason: 'not_found' },
    ],
    [
      413,
      'rejected/invalid_request',
      errorBody('InvalidInput', 'Payload too large'),
      { kind: 'rejected', reason: 'invalid_request' },
    ],
    [
      415,
      'rejected/invalid_request',
      errorBody('InvalidInput', 'Unsupported media type'),
      { kind: 'rejected', reason: 'invalid_request' },
    ],
  ])('%i → %s, not retried', async (status, _title, body, expected) => {
    stub.on('DELETE', SHIPMENT, { status, json: body });
    expect(await client.cancel(V0_REQUEST)).toMatchObject({
      ...expected,
      httpStatus: status,
      attempts: 1,
      errorCode: body.errors[0]?.code,
    });
  });

  it.each([
    [429, 'retry_later/throttled', 'QuotaExceeded', { kind: 'retry_later', cause: 'throttled' }],
    [500, 'unknown/server_error', 'InternalFailure', { kind: 'unknown', cause: 'server_error' }],
    [503, 'retry_later/unavailable', 'ServiceUnavailable', { kind: 'retry_later', cause: 'unavailable' }],
  ])('%i every time → %s after 3 attempts, on one RDT', async (status, _title, code, expected) => {
    stub.on('DELETE', SHIPMENT, { status, json: { errors: [{ code, message: 'x' }] } });
    expect(await client.cancel(V0_REQUEST)).toMatchObject({ ...expected, attempts: 3, errorCode: code });
    expect(stub.requestsTo('POST', RDT)).toHaveLength(1);
  });

  it('a 400 InvalidInput is checked with getShipment: still Purchased → rejected/invalid_request', async () => {
    stub.on('DELETE', SHIPMENT, {
      status: 400,
      json: { errors: [{ code: 'InvalidInput', message: 'Invalid input.' }] },
    });
    stub.on('GET', SHIPMENT, ok('Purchased'));
    expect(await client.cancel(V0_REQUEST)).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_request',
      httpStatus: 400,
    });
    expect(stub.requestsTo('GET', SHIPMENT)).toHaveLength(1);
  });

  it('an already-cancelled shipment (400, then getShipment says RefundPending) → already_cancelled', async () => {
    stub.on('DELETE', SHIPMENT, {
      status: 400,
      json: { errors: [{ code: 'InvalidInput', message: 'Invalid shipment status.' }] },
    });
    stub.on('GET', SHIPMENT, ok('RefundPending'));
    expect(await client.cancel(V0_REQUEST)).toMatchObject({
      kind: 'already_cancelled',
      shipmentStatus: 'RefundPending',
      confirmedBy: 'getShipment',
      requestId: expect.any(String),
    });
    const bodies = stub.requestsTo('POST', RDT).map((r) => JSON.parse(r.body).restrictedResources[0].method);
    expect(bodies).toEqual(['DELETE', 'GET']);
  });

  it('a 400 that says so is already_cancelled without a read', async () => {
    stub.on('DELETE', SHIPMENT, {
      status: 400,
      json: { errors: [{ code: 'InvalidInput', message: 'Shipment has already been cancelled.' }] },
    });
    expect(await client.cancel(V0_REQUEST)).toMatchObject({ kind: 'already_cancelled' });
    expect(stub.requestsTo('GET', SHIPMENT)).toHaveLength(0);
  });

  it('expired RDT (403) → a new RDT and one retry', async () => {
    stub.on(
      'DELETE',
      SHIPMENT,
      {
        status: 403,
        json: {
          errors: [
            {
              code: 'Unauthorized',
              message: 'Access to requested resource is denied.',
              details: 'The access token you provided has expired.',
            },
          ],
        },
      },
      ok('RefundApplied'),
    );
    expect(await client.cancel(V0_REQUEST)).toMatchObject({ kind: 'voided', attempts: 2 });
    const tokensUsed = stub.requestsTo('DELETE', SHIPMENT).map((r) => r.headers['x-amz-access-token']);
    expect(new Set(tokensUsed).size).toBe(2);
    expect(stub.requestsTo('POST', RDT)).toHaveLength(2);
  });

  it('expired LWA token on the Tokens API → LWA refreshed, then cancelled', async () => {
    stub.on(
      'POST',
      RDT,
      {
        status: 403,
        json: {
          errors: [
            { code: 'Unauthorized', message: 'x', details: 'The access token you provided has expired.' },
          ],
        },
      },
      rdt,
    );
    stub.on('DELETE', SHIPMENT, ok('RefundPending'));
    expect(await client.cancel(V0_REQUEST)).toMatchObject({ kind: 'refund_pending' });
    expect(stub.issuedTokens).toHaveLength(2);
  });

  it.each([
    [403, errorBody('Unauthorized', 'Access to requested resource is denied.').errors],
    [
      400,
      errorBody(
        'InvalidInput',
        'Application does not have access to one or more requested data elements: [buyerInfo]',
      ).errors,
    ],
  ])('the Tokens API refusing (%i) needs a person; no DELETE is sent', async (status, errors) => {
    stub.on('POST', RDT, { status, json: { errors } });
    expect(await client.cancel(V0_REQUEST)).toMatchObject({
      kind: 'needs_attention',
      problem: 'access_denied',
      attempts: 0,
    });
    expect(stub.requestsTo('DELETE', SHIPMENT)).toHaveLength(0);
  });

  it('a response dropped after Amazon acted → unknown, one attempt', async () => {
    stub.on('DELETE', SHIPMENT, { drop: true });
    expect(await client.cancel(V0_REQUEST)).toMatchObject({
      kind: 'unknown',
      cause: 'connection_lost',
      attempts: 1,
    });
    expect(stub.requestsTo('DELETE', SHIPMENT)).toHaveLength(1);
  });

  it.each([
    ['Purchased', 'active'],
    ['RefundPending', 'refund_pending'],
    ['RefundApplied', 'refund_applied'],
    ['RefundRejected', 'refund_rejected'],
  ])('status(): %s → %s', async (raw, state) => {
    stub.on('GET', SHIPMENT, ok(raw));
    expect(await client.status(V0_REQUEST)).toMatchObject({ kind: 'found', state, rawStatus: raw });
  });

  it('status(): 404 → not_found; a non-UUID → unsupported', async () => {
    stub.on('GET', SHIPMENT, { status: 404, json: { errors: [{ code: 'NotFound', message: 'Not found' }] } });
    expect(await client.status(V0_REQUEST)).toMatchObject({ kind: 'not_found' });
    expect(await client.status({ ...V0_REQUEST, carrierShipmentId: 'x' })).toEqual({ kind: 'unsupported' });
  });

  it('runs at 1 request/second by default: the second cancel of an account waits for its token', async () => {
    const paced = stubClient(stub, { clock: new VirtualClock() });
    stub.on('DELETE', SHIPMENT, ok('RefundPending'));
    await paced.cancel(V0_REQUEST);
    // burst 1 cannot absorb the 50 ms margin, so it widens the spacing: 1.05 s
    expect(paced.nextTokenInMs(V0_REQUEST)).toBe(1050);
    expect(paced.nextTokenInMs({ ...V0_REQUEST, sellerAccount: 'another-seller' })).toBe(0);
    const outcome = await paced.cancel({ ...V0_REQUEST, deadlineMs: 300 });
    expect(outcome).toMatchObject({
      kind: 'retry_later',
      cause: 'throttled',
      retryAfterMs: 1050,
      attempts: 0,
    });
    expect(stub.requestsTo('DELETE', SHIPMENT)).toHaveLength(1);
    await paced.close();
  });
});

describe('MFN v0 hosts', () => {
  it.each([
    ['production', 'ATVPDKIKX0DER', 'https://sellingpartnerapi-na.amazon.com'],
    ['production', 'DE', 'https://sellingpartnerapi-eu.amazon.com'],
    ['production', 'A1VC38T7YXB528', 'https://sellingpartnerapi-fe.amazon.com'],
    ['sandbox', 'UK', 'https://sandbox.sellingpartnerapi-eu.amazon.com'],
    ['http://127.0.0.1:4010', 'ANY-MARKETPLACE', 'http://127.0.0.1:4010'],
  ])('%s + %s → %s (Tokens API on the same host)', async (endpoint, marketplaceId, origin) => {
    const transport = new ScriptedTransport(
      reply(200, { access_token: 'Atza|x', expires_in: 3600 }),
      reply(200, { restrictedDataToken: 'Atz.sprdt|x', expiresIn: 3600 }),
      reply(200, { payload: mfnShipment('RefundPending') }),
    );
    const client = new CarrierCancelClient(
      {
        endpoints: {
          lwaTokenUrl: 'https://api.amazon.com/auth/o2/token',
          mfnV0: endpoint,
          mwsBridge: 'http://bridge',
        },
        credentials: () => CREDENTIALS,
      },
      { transport },
    );
    expect(await client.cancel({ ...V0_REQUEST, marketplaceId })).toMatchObject({ kind: 'refund_pending' });
    expect(transport.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST https://api.amazon.com/auth/o2/token',
      `POST ${origin}/tokens/2021-03-01/restrictedDataToken`,
      `DELETE ${origin}${SHIPMENT}`,
    ]);
  });

  it('an unknown marketplace cannot pick a production host: refused before any request', async () => {
    const transport = new ScriptedTransport(reply(200));
    const client = new CarrierCancelClient(
      {
        endpoints: { lwaTokenUrl: 'https://api.amazon.com/auth/o2/token', mwsBridge: 'http://bridge' },
        credentials: () => CREDENTIALS,
      },
      { transport },
    );
    expect(await client.cancel({ ...V0_REQUEST, marketplaceId: 'ZZ' })).toMatchObject({
      kind: 'rejected',
      reason: 'unsupported_marketplace',
    });
    expect(transport.requests).toHaveLength(0);
  });
});
