import { CarrierCancelClient } from './carrier-cancel.client';
import { VirtualClock } from './retry/clock';
import type { CancelRequest } from './port';
import { AmazonStubServer } from '../test/support/amazon-stub.server';
import type { RecordedRequest } from '../test/support/amazon-stub.server';
import { CREDENTIALS, MWS_REQUEST, SELLER, stubClient, V2_REQUEST } from '../test/support/client.fixture';

const MWS_PATH = '/api/mws/shipment/CancelShipment';
const cancelled = {
  status: 200,
  json: {
    CancelShipmentResult: { Shipment: { ShipmentId: 'x', Status: 'RefundApplied' } },
    ResponseMetadata: { RequestId: 'meta' },
  },
};

describe('CarrierCancelClient', () => {
  let stub: AmazonStubServer;
  let client: CarrierCancelClient;

  beforeEach(async () => {
    stub = await AmazonStubServer.start();
    client = stubClient(stub);
  });
  afterEach(async () => {
    await client.close();
    await stub.close();
  });

  it('no credentials for the seller account → needs_attention/missing_credentials, nothing sent', async () => {
    const outcome = await client.cancel({ ...MWS_REQUEST, sellerAccount: 'unknown-seller' });
    expect(outcome).toMatchObject({ kind: 'needs_attention', problem: 'missing_credentials', attempts: 0 });
    expect(stub.requests).toHaveLength(0);
  });

  it('a throwing credentials provider is missing_credentials too', async () => {
    const broken = stubClient(stub, {
      credentials: () => {
        throw new Error('vault unreachable');
      },
    });
    expect(await broken.cancel(MWS_REQUEST)).toMatchObject({
      kind: 'needs_attention',
      problem: 'missing_credentials',
      errorMessage: expect.stringContaining('vault unreachable'),
    });
    await broken.close();
  });

  it.each([
    [400, 'invalid_grant'],
    [401, 'invalid_client'],
  ])('LWA %i %s → needs_attention, one token request per cancel, never a loop', async (status, error) => {
    stub.on('POST', '/auth/o2/token', {
      status,
      json: { error, error_description: 'The request has an invalid grant parameter' },
    });
    expect(await client.cancel(MWS_REQUEST)).toMatchObject({
      kind: 'needs_attention',
      problem: error,
      errorCode: error,
      attempts: 0,
    });
    expect(await client.cancel(MWS_REQUEST)).toMatchObject({ kind: 'needs_attention', problem: error });
    expect(stub.requestsTo('POST', '/auth/o2/token')).toHaveLength(2);
    expect(stub.requestsTo('POST', MWS_PATH)).toHaveLength(0);
  });

  it('LWA unavailable → retried within the deadline, then retry_later/unavailable without a cancel', async () => {
    stub.on('POST', '/auth/o2/token', { status: 503, json: {} });
    expect(await client.cancel(MWS_REQUEST)).toMatchObject({
      kind: 'retry_later',
      cause: 'unavailable',
      attempts: 0,
    });
    expect(stub.requestsTo('POST', '/auth/o2/token').length).toBeGreaterThan(1);
    expect(stub.requestsTo('POST', MWS_PATH)).toHaveLength(0);
  });

  it('one LWA token serves every API for the same credentials', async () => {
    stub.on('POST', MWS_PATH, cancelled);
    stub.on('PUT', /cancel$/, { status: 200, json: { payload: {} } });
    await client.cancel(MWS_REQUEST);
    await client.cancel(V2_REQUEST);
    await Promise.all([client.cancel(MWS_REQUEST), client.cancel(V2_REQUEST)]);
    expect(stub.requestsTo('POST', '/auth/o2/token')).toHaveLength(1);
  });

  it('an unknown api is refused', async () => {
    const outcome = await client.cancel({ ...MWS_REQUEST, api: 'amazon-fba' as CancelRequest['api'] });
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'invalid_request' });
    expect(await client.status({ ...MWS_REQUEST, api: 'amazon-fba' as CancelRequest['api'] })).toEqual({
      kind: 'unsupported',
    });
  });

  it('nextTokenInMs follows the MWS bucket (10 burst, 5/s) per seller account', async () => {
    const clock = new VirtualClock();
    const paced = stubClient(stub, { clock });
    stub.on('POST', MWS_PATH, cancelled);
    expect(paced.nextTokenInMs(MWS_REQUEST)).toBe(0);
    await Promise.all(Array.from({ length: 10 }, () => paced.cancel(MWS_REQUEST)));
    // capacity 9.75 (10 minus 50 ms of margin at 5/s): the 10th waited 50 ms, the 11th token is 200 ms further
    expect(clock.sleeps).toEqual([50]);
    expect(paced.nextTokenInMs(MWS_REQUEST)).toBe(200);
    expect(paced.nextTokenInMs({ api: 'amazon-mfn-mws', sellerAccount: 'seller-2' })).toBe(0);
    expect(paced.nextTokenInMs({ api: 'amazon-mfn-v0', sellerAccount: SELLER })).toBe(0);
    await paced.close();
  });

  it('under load never sends faster than Amazon’s bucket, and one busy seller never delays another', async () => {
    // The stub meters arrivals the way Amazon does (burst 6, 20/s) and answers 429 beyond them.
    let tokens = 6;
    let last = performance.now();
    let overLimit = 0;
    stub.on('POST', MWS_PATH, (request: RecordedRequest) => {
      if (request.body.includes('other-seller')) return cancelled;
      const now = performance.now();
      tokens = Math.min(6, tokens + ((now - last) * 20) / 1000);
      last = now;
      if (tokens < 1) {
        overLimit += 1;
        return { status: 429, json: { errors: [{ code: 'QuotaExceeded', message: 'x' }] } };
      }
      tokens -= 1;
      return cancelled;
    });
    const busy = stubClient(stub, {
      rateLimits: { 'amazon-mfn-mws': { ratePerSecond: 20, burst: 6 } },
      // a loaded test machine jitters more than a network: absorb up to 100 ms
      rateLimitMarginMs: 100,
      credentials: () => CREDENTIALS,
    });
    await busy.cancel({ ...MWS_REQUEST, sellerAccount: 'seller-2', carrierShipmentId: 'other-seller' }); // warm the token
    const started = performance.now();
    const sellerOne = Array.from({ length: 20 }, (_, i) =>
      busy.cancel({ ...MWS_REQUEST, carrierShipmentId: `s-${i}` }),
    );
    const sellerTwo = await busy.cancel({
      ...MWS_REQUEST,
      sellerAccount: 'seller-2',
      carrierShipmentId: 'other-seller',
    });
    const sellerTwoMs = performance.now() - started;
    const outcomes = await Promise.all(sellerOne);
    const sellerOneMs = performance.now() - started;
    expect(sellerTwo.kind).toBe('voided');
    expect(outcomes.map((o) => o.kind)).toEqual(Array(20).fill('voided'));
    expect(outcomes.map((o) => o.attempts)).toEqual(Array(20).fill(1));
    expect(overLimit).toBe(0);
    // 20 sends with a burst of 4 (6 minus the margin) at 20/s take at least 800 ms; seller-2 did not wait.
    expect(sellerOneMs).toBeGreaterThanOrEqual(790);
    expect(sellerTwoMs).toBeLessThan(sellerOneMs - 300);
    await busy.close();
  });

  it('a caller abort while Amazon is handling the request → unknown/timeout', async () => {
    stub.on('POST', MWS_PATH, { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await client.cancel({ ...MWS_REQUEST, signal: controller.signal })).toMatchObject({
      kind: 'unknown',
      cause: 'timeout',
      attempts: 1,
    });
  });

  it('the deadline bounds retries: a short budget on a 503 ends retry_later within it', async () => {
    stub.on('POST', MWS_PATH, { status: 503, json: {} });
    const clock = new VirtualClock();
    const slow = stubClient(stub, {
      clock,
      retry: { baseDelayMs: 40, maxDelayMs: 40, maxAttempts: 100 },
      random: () => 1,
    });
    const outcome = await slow.cancel({ ...MWS_REQUEST, deadlineMs: 150 });
    // attempts at 0, 40, 80 and 120 ms; the next one would start at 160, past the deadline
    expect(outcome).toMatchObject({ kind: 'retry_later', cause: 'unavailable', attempts: 4, elapsedMs: 120 });
    expect(outcome.kind === 'retry_later' && outcome.retryAfterMs).toBe(40);
    await slow.close();
  });

  it('rejects a configuration that cannot work', () => {
    const base = {
      endpoints: { lwaTokenUrl: 'http://x', mwsBridge: 'http://x' },
      credentials: () => CREDENTIALS,
    };
    expect(() => new CarrierCancelClient({ ...base, retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
    expect(
      () =>
        new CarrierCancelClient({ ...base, rateLimits: { 'amazon-mfn-v0': { ratePerSecond: 0, burst: 1 } } }),
    ).toThrow(/rateLimits/);
  });
});
