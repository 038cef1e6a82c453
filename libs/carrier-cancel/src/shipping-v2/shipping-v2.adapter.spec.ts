import type { CarrierCancelClient } from '../carrier-cancel.client';
import { VirtualClock } from '../retry/clock';
import { AmazonStubServer, errorBody } from '../../test/support/amazon-stub.server';
import type { StubReply } from '../../test/support/amazon-stub.server';
import { stubClient, V2_REQUEST } from '../../test/support/client.fixture';

const CANCEL = /^\/shipping\/v2\/shipments\/[^/]+\/cancel$/;
const TRACKING = '/shipping/v2/tracking';
const tracked = { ...V2_REQUEST, trackingId: '1Z999', carrierId: 'AMZN_UK' };
const tracking = (status: string): StubReply => ({
  status: 200,
  json: {
    payload: {
      trackingId: '1Z999',
      alternateLegTrackingId: '',
      eventHistory: [],
      promisedDeliveryDate: '2024-02-12T13:09:05.513Z',
      summary: { status },
    },
  },
});

describe('Amazon Shipping v2 adapter', () => {
  let stub: AmazonStubServer;
  let client: CarrierCancelClient;

  beforeEach(async () => {
    stub = await AmazonStubServer.start();
    client = stubClient(stub, {
      retry: { baseDelayMs: 1, maxDelayMs: 4, attemptTimeoutMs: 1_000, maxAttempts: 3 },
    });
  });
  afterEach(async () => {
    await client.close();
    await stub.close();
  });

  it('200 {"payload":{}} → voided, with the request id, after one PUT with both headers', async () => {
    stub.on('PUT', CANCEL, { status: 200, json: { payload: {} }, headers: { 'x-amzn-RequestId': 'rid-ok' } });
    const outcome = await client.cancel(V2_REQUEST);
    expect(outcome).toMatchObject({ kind: 'voided', requestId: 'rid-ok', httpStatus: 200, attempts: 1 });
    const [put] = stub.requestsTo('PUT', CANCEL);
    expect(put?.pathname).toBe('/shipping/v2/shipments/amzn1.sid.87906797587784.100/cancel');
    expect(put?.headers['x-amz-access-token']).toBe(stub.issuedTokens[0]);
    expect(put?.headers['x-amzn-shipping-business-id']).toBe('AmazonShipping_UK');
    expect(put?.body).toBe('');
  });

  it.each([
    [
      400,
      'rejected/invalid_request',
      errorBody('InvalidInput', 'Request is missing or has invalid parameters', 'ShipmentId cannot be null'),
      {
        kind: 'rejected',
        reason: 'invalid_request',
        errorCode: 'InvalidInput',
        errorDetails: 'ShipmentId cannot be null',
      },
    ],
    [
      401,
      'needs_attention/unauthorized',
      errorBody(
        'Unauthorized',
        "You don't have access to the requested response or the credentials are invalid.",
      ),
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
      errorBody('NotFound', 'The requested resource is invalid or doesn’t exist'),
      { kind: 'rejected', reason: 'not_found' },
    ],
    [
      413,
      'rejected/invalid_request',
      errorBody('InvalidRequest', 'The request payload size is greater than maximum accepted size.'),
      { kind: 'rejected', reason: 'invalid_request' },
    ],
    [
      415,
      'rejected/invalid_request',
      errorBody('InvalidRequest', 'The request payload format is not supported.'),
      { kind: 'rejected', reason: 'invalid_request' },
    ],
  ])('%i → %s, not retried', async (status, _title, json, expected) => {
    stub.on('PUT', CANCEL, { status, json });
    const outcome = await client.cancel(V2_REQUEST);
    expect(outcome).toMatchObject({ ...expected, httpStatus: status, attempts: 1 });
    expect(outcome.requestId).toMatch(/^req-/);
    expect(stub.requestsTo('PUT', CANCEL)).toHaveLength(1);
  });

  it.each([
    [
      429,
      'retry_later/throttled',
      errorBody('QuotaExceeded', 'You exceeded your quota for the requested resource.'),
      { kind: 'retry_later', cause: 'throttled' },
    ],
    [
      500,
      'unknown/server_error',
      errorBody('InternalFailure', 'We encountered an internal error. Please try again.'),
      { kind: 'unknown', cause: 'server_error' },
    ],
    [
      503,
      'retry_later/unavailable',
      errorBody('ServiceUnavailable', 'Service temporarily unavailable.'),
      { kind: 'retry_later', cause: 'unavailable' },
    ],
  ])('%i every time → retried up to maxAttempts, then %s', async (status, _title, json, expected) => {
    stub.on('PUT', CANCEL, { status, json });
    const outcome = await client.cancel(V2_REQUEST);
    expect(outcome).toMatchObject({
      ...expected,
      httpStatus: status,
      attempts: 3,
      errorCode: json.errors[0]?.code,
    });
    expect(stub.requestsTo('PUT', CANCEL)).toHaveLength(3);
  });

  it('429 with no rate header, then 200 → voided on the second attempt', async () => {
    stub.on(
      'PUT',
      CANCEL,
      { status: 429, json: errorBody('QuotaExceeded', 'You exceeded your quota.') },
      { status: 200, json: { payload: {} } },
    );
    expect(await client.cancel(V2_REQUEST)).toMatchObject({ kind: 'voided', attempts: 2 });
  });

  it('reports every HTTP answer, the 429 included, to onResponse', async () => {
    const seen: Array<{ api: string; operation: string; httpStatus: number }> = [];
    const observed = stubClient(stub, {
      retry: { baseDelayMs: 1, maxDelayMs: 4, attemptTimeoutMs: 1_000, maxAttempts: 3 },
      onResponse: ({ api, operation, httpStatus }) => seen.push({ api, operation, httpStatus }),
    });
    stub.on(
      'PUT',
      CANCEL,
      { status: 429, json: errorBody('QuotaExceeded', 'You exceeded your quota.') },
      { status: 200, json: { payload: {} } },
    );
    await observed.cancel(V2_REQUEST);
    await observed.close();
    expect(seen.map((s) => s.httpStatus)).toEqual([429, 200]);
    expect(new Set(seen.map((s) => s.api))).toEqual(new Set(['amazon-shipping-v2']));
  });

  it('expired-token 403 → refreshes the LWA token and retries once → voided', async () => {
    stub.on(
      'PUT',
      CANCEL,
      {
        status: 403,
        json: errorBody(
          'Unauthorized',
          'Access to requested resource is denied.',
          'The access token you provided has expired.',
        ),
      },
      { status: 200, json: { payload: {} } },
    );
    const outcome = await client.cancel(V2_REQUEST);
    expect(outcome).toMatchObject({ kind: 'voided', attempts: 2 });
    expect(stub.issuedTokens).toHaveLength(2);
    expect(stub.requestsTo('PUT', CANCEL).map((r) => r.headers['x-amz-access-token'])).toEqual(
      stub.issuedTokens,
    );
  });

  it('a response dropped after the server acted → unknown, never retried', async () => {
    stub.on('PUT', CANCEL, { drop: true }, { status: 200, json: { payload: {} } });
    const outcome = await client.cancel(V2_REQUEST);
    expect(outcome).toMatchObject({ kind: 'unknown', cause: 'connection_lost', attempts: 1 });
    expect(stub.requestsTo('PUT', CANCEL)).toHaveLength(1);
  });

  it('no answer within the attempt timeout → unknown/timeout', async () => {
    stub.on('PUT', CANCEL, { hang: true });
    const fast = stubClient(stub, { retry: { attemptTimeoutMs: 100 } });
    expect(await fast.cancel(V2_REQUEST)).toMatchObject({ kind: 'unknown', cause: 'timeout', attempts: 1 });
    await fast.close();
  });

  it('a 500 then a refusal → unknown: the first attempt may have cancelled it', async () => {
    stub.on(
      'PUT',
      CANCEL,
      { status: 500, json: errorBody('InternalFailure', 'x') },
      { status: 400, json: errorBody('InvalidInput', 'Cannot cancel') },
    );
    expect(await client.cancel(V2_REQUEST)).toMatchObject({
      kind: 'unknown',
      cause: 'server_error',
      attempts: 2,
      httpStatus: 400,
    });
  });

  it('a 400 saying the shipment is already cancelled → already_cancelled', async () => {
    stub.on('PUT', CANCEL, {
      status: 400,
      json: errorBody('InvalidInput', 'The shipment has already been cancelled.'),
    });
    expect(await client.cancel(V2_REQUEST)).toMatchObject({ kind: 'already_cancelled', httpStatus: 400 });
  });

  it('"not found" seen as a 400 → rejected/not_found', async () => {
    stub.on('PUT', CANCEL, {
      status: 400,
      json: errorBody('InvalidInput', 'Shipment not found for the given shipmentId'),
    });
    expect(await client.cancel(V2_REQUEST)).toMatchObject({ kind: 'rejected', reason: 'not_found' });
  });

  it.each([
    [
      'PickupCancelled',
      'already_cancelled',
      { kind: 'already_cancelled', shipmentStatus: 'PickupCancelled', confirmedBy: 'getTracking' },
    ],
    [
      'InTransit',
      'rejected/not_cancellable',
      { kind: 'rejected', reason: 'not_cancellable', confirmedBy: 'getTracking' },
    ],
    ['PreTransit', 'rejected/invalid_request', { kind: 'rejected', reason: 'invalid_request' }],
  ])('an unclear 400 is settled by getTracking: %s → %s', async (status, _title, expected) => {
    stub.on('PUT', CANCEL, {
      status: 400,
      json: errorBody('InvalidInput', 'Request is missing or has invalid parameters'),
    });
    stub.on('GET', TRACKING, tracking(status));
    expect(await client.cancel(tracked)).toMatchObject({ ...expected, httpStatus: 400 });
    const [get] = stub.requestsTo('GET', TRACKING);
    expect(get?.query.get('trackingId')).toBe('1Z999');
    expect(get?.query.get('carrierId')).toBe('AMZN_UK');
  });

  it('without trackingId/carrierId an unclear 400 stays invalid_request and nothing else is called', async () => {
    stub.on('PUT', CANCEL, {
      status: 400,
      json: errorBody('InvalidInput', 'Request is missing or has invalid parameters'),
    });
    expect(await client.cancel(V2_REQUEST)).toMatchObject({ kind: 'rejected', reason: 'invalid_request' });
    expect(stub.requestsTo('GET', TRACKING)).toHaveLength(0);
  });

  it.each([
    ['no businessId', { businessId: undefined }, 'businessId is required'],
    ['an unknown businessId', { businessId: 'AmazonShipping_DE' }, 'unknown shipping business id'],
    ['a blank shipment id', { carrierShipmentId: ' ' }, 'carrierShipmentId is empty'],
  ])('refuses %s before any request', async (_title, change, message) => {
    const outcome = await client.cancel({ ...V2_REQUEST, ...change });
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'invalid_request', attempts: 0 });
    expect(outcome.errorMessage).toContain(message);
    expect(stub.requests).toHaveLength(0);
  });

  it('lowers its bucket to x-amzn-RateLimit-Limit', async () => {
    const oneBurst = stubClient(stub, {
      clock: new VirtualClock(),
      rateLimits: { 'amazon-shipping-v2': { ratePerSecond: 80, burst: 1 } },
      rateLimitMarginMs: 0,
    });
    stub.on('PUT', CANCEL, {
      status: 200,
      json: { payload: {} },
      headers: { 'x-amzn-RateLimit-Limit': '80.0' },
    });
    await oneBurst.cancel(V2_REQUEST);
    expect(oneBurst.nextTokenInMs(V2_REQUEST)).toBe(13); // 12.5 ms at 80/s
    stub.on('PUT', CANCEL, {
      status: 200,
      json: { payload: {} },
      headers: { 'x-amzn-RateLimit-Limit': '1.0' },
    });
    await oneBurst.cancel(V2_REQUEST);
    expect(oneBurst.nextTokenInMs(V2_REQUEST)).toBe(1000); // Amazon said 1/s
    await oneBurst.close();
  });

  describe('status() via getTracking', () => {
    it.each([
      ['PreTransit', 'active'],
      ['PickupCancelled', 'cancelled'],
      ['InTransit', 'in_transit'],
      ['Delivered', 'delivered'],
      ['Lost', 'other'],
    ])('%s → %s', async (raw, state) => {
      stub.on('GET', TRACKING, tracking(raw));
      expect(await client.status(tracked)).toMatchObject({
        kind: 'found',
        state,
        rawStatus: raw,
        requestId: expect.any(String),
      });
    });

    it('404 → not_found; no trackingId → unsupported; 400 → error', async () => {
      stub.on('GET', TRACKING, {
        status: 404,
        json: errorBody('NotFound', 'The requested resource is invalid'),
      });
      expect(await client.status(tracked)).toMatchObject({ kind: 'not_found' });
      expect(await client.status(V2_REQUEST)).toEqual({ kind: 'unsupported' });
      stub.on('GET', TRACKING, {
        status: 400,
        json: errorBody('InvalidRequest', 'CarrierId is missing in the request'),
      });
      expect(await client.status(tracked)).toMatchObject({
        kind: 'error',
        httpStatus: 400,
        message: 'CarrierId is missing in the request',
      });
    });
  });
});
