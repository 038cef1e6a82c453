import { XMLParser } from 'fast-xml-parser';
import type { CarrierCancelClient } from '../carrier-cancel.client';
import { AmazonStubServer } from '../../test/support/amazon-stub.server';
import type { StubReply } from '../../test/support/amazon-stub.server';
import { MWS_REQUEST, stubClient } from '../../test/support/client.fixture';
import { mwsSeedSamples } from '../../test/support/seed-samples';

const PATH = '/api/mws/shipment/CancelShipment';
const seed = mwsSeedSamples();
const withStatus = (sample: string, status: string) =>
  sample
    .replace('"Status": "sample string 4"', `"Status": "${status}"`)
    .replace('<Status>sample string 4</Status>', `<Status>${status}</Status>`);

function jsonError(code: string, message: string): StubReply {
  return {
    status: 400,
    json: { Error: { Type: 'Sender', Code: code, Message: message }, RequestId: 'err-rid' },
  };
}
function xmlError(status: number, code: string, message: string): StubReply {
  return {
    status,
    contentType: 'text/xml',
    text: `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://mws.amazonservices.com/MerchantFulfillment/2015-06-01"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>err-rid</RequestId></ErrorResponse>`,
  };
}

describe('MWS bridge adapter', () => {
  let stub: AmazonStubServer;
  let json: CarrierCancelClient;
  let xml: CarrierCancelClient;

  beforeEach(async () => {
    stub = await AmazonStubServer.start();
    const retry = { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 };
    json = stubClient(stub, { retry });
    xml = stubClient(stub, { retry, mwsFormat: 'xml' });
  });
  afterEach(async () => {
    await Promise.all([json.close(), xml.close()]);
    await stub.close();
  });

  it('sends {ShipmentId} as JSON, shaped like the seed’s request sample', async () => {
    stub.on('POST', PATH, {
      status: 200,
      text: withStatus(seed.responseJson, 'RefundPending'),
      contentType: 'application/json',
    });
    await json.cancel(MWS_REQUEST);
    const [post] = stub.requestsTo('POST', PATH);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['accept']).toBe('application/json');
    expect(post?.headers['x-amz-access-token']).toBe(stub.issuedTokens[0]);
    expect(JSON.parse(post?.body ?? '')).toEqual({ ShipmentId: 'mws-shipment-1' });
    expect(Object.keys(JSON.parse(post?.body ?? ''))).toEqual(Object.keys(JSON.parse(seed.requestJson)));
  });

  it('sends the XML request the seed documents, escaping the id', async () => {
    stub.on('POST', PATH, {
      status: 200,
      text: withStatus(seed.responseXml, 'RefundPending'),
      contentType: 'application/xml',
    });
    await xml.cancel({ ...MWS_REQUEST, carrierShipmentId: 'a<&>b' });
    const [post] = stub.requestsTo('POST', PATH);
    expect(post?.headers['content-type']).toBe('application/xml');
    const parser = new XMLParser({ ignoreAttributes: false });
    const sent = parser.parse(post?.body ?? '');
    const documented = parser.parse(seed.requestXml);
    expect(Object.keys(sent.AmzShipmentRequest)).toEqual(Object.keys(documented.AmzShipmentRequest));
    expect(post?.body).toContain('<ShipmentId>a&lt;&amp;&gt;b</ShipmentId>');
    expect(sent.AmzShipmentRequest.ShipmentId).toBe('a<&>b');
  });

  it.each([
    ['RefundPending', { kind: 'refund_pending', shipmentStatus: 'RefundPending' }],
    ['RefundApplied', { kind: 'voided', shipmentStatus: 'RefundApplied' }],
    ['RefundRejected', { kind: 'rejected', reason: 'window_expired' }],
  ])('200 with Status %s, in JSON and XML', async (status, expected) => {
    stub.on('POST', PATH, {
      status: 200,
      text: withStatus(seed.responseJson, status),
      contentType: 'application/json',
    });
    expect(await json.cancel(MWS_REQUEST)).toMatchObject({
      ...expected,
      requestId: 'sample string 1',
      httpStatus: 200,
    });
    stub.on('POST', PATH, {
      status: 200,
      text: withStatus(seed.responseXml, status),
      contentType: 'text/xml',
    });
    expect(await xml.cancel(MWS_REQUEST)).toMatchObject({
      ...expected,
      requestId: 'sample string 1',
      httpStatus: 200,
    });
  });

  it('parses the full Shipment the same from the seed’s JSON and XML samples', async () => {
    stub.on('POST', PATH, {
      status: 200,
      text: withStatus(seed.responseJson, 'RefundPending'),
      contentType: 'application/json',
    });
    const fromJson = await json.cancel(MWS_REQUEST);
    stub.on('POST', PATH, {
      status: 200,
      text: withStatus(seed.responseXml, 'RefundPending'),
      contentType: 'application/xml',
    });
    const fromXml = await xml.cancel(MWS_REQUEST);
    expect(fromXml.shipment).toEqual(fromJson.shipment);
    expect(fromJson.shipment).toMatchObject({
      ShipmentId: 'sample string 1',
      AmazonOrderId: 'sample string 2',
      ItemList: [
        { OrderItemId: 'sample string 1', Quantity: 2 },
        { OrderItemId: 'sample string 1', Quantity: 2 },
      ],
      ShipToAddress: { Name: 'sample string 1', Phone: 'sample string 11' },
      PackageDimensions: { Length: 1, Width: 2, Height: 3, Unit: 'sample string 4' },
      Weight: { Value: 1, Unit: 'sample string 2' },
      Insurance: { CurrencyCode: 'sample string 1', Amount: 2 },
      ShippingService: {
        CarrierName: 'sample string 2',
        ShipDate: '2026-01-12T23:56:52.620431+00:00',
        Rate: { CurrencyCode: 'sample string 1', Amount: 2 },
        ShippingServiceOptions: { CarrierWillPickUp: true, DeclaredValue: { Amount: 2 } },
        AvailableLabelFormats: ['sample string 1', 'sample string 2'],
      },
      Label: {
        FileContents: {
          Contents: 'sample string 1',
          FileType: 'sample string 2',
          Checksum: 'sample string 3',
        },
      },
      Status: 'RefundPending',
      TrackingId: 'sample string 5',
      LastUpdatedDate: '2026-01-12T23:56:52.620431+00:00',
    });
  });

  it('the seed sample verbatim (Status "sample string 4") is no known state → unknown/malformed_response', async () => {
    stub.on('POST', PATH, { status: 200, text: seed.responseJson, contentType: 'application/json' });
    const outcome = await json.cancel(MWS_REQUEST);
    expect(outcome).toMatchObject({
      kind: 'unknown',
      cause: 'malformed_response',
      requestId: 'sample string 1',
    });
    expect(outcome.shipment?.Status).toBe('sample string 4');
  });

  it('a 200 that is not a CancelShipmentResponse → unknown/malformed_response', async () => {
    stub.on('POST', PATH, { status: 200, text: '<html>gateway</html>', contentType: 'text/html' });
    expect(await json.cancel(MWS_REQUEST)).toMatchObject({ kind: 'unknown', cause: 'malformed_response' });
  });

  it.each([
    ['JSON', jsonError('LabelCancelWindowExpired', 'The label cancellation window has expired.')],
    ['XML', xmlError(400, 'LabelCancelWindowExpired', 'The label cancellation window has expired.')],
  ])('LabelCancelWindowExpired (%s) → rejected/window_expired, not retried', async (_format, body) => {
    stub.on('POST', PATH, body);
    expect(await json.cancel(MWS_REQUEST)).toMatchObject({
      kind: 'rejected',
      reason: 'window_expired',
      errorCode: 'LabelCancelWindowExpired',
      requestId: 'err-rid',
      httpStatus: 400,
      attempts: 1,
    });
  });

  it.each([
    [
      'already cancelled',
      xmlError(400, 'InvalidRequest', 'The shipment has already been cancelled.'),
      { kind: 'already_cancelled' },
    ],
    [
      'not found',
      jsonError('InvalidParameterValue', 'Shipment not found.'),
      { kind: 'rejected', reason: 'not_found' },
    ],
    [
      'invalid',
      jsonError('InvalidParameterValue', 'ShipmentId is invalid.'),
      { kind: 'rejected', reason: 'invalid_request' },
    ],
    [
      '401',
      { status: 401, json: { Message: 'Authorization has been denied for this request.' } },
      { kind: 'needs_attention', problem: 'unauthorized' },
    ],
    [
      '403',
      xmlError(403, 'AccessDenied', 'Access denied'),
      { kind: 'needs_attention', problem: 'access_denied' },
    ],
    ['404', { status: 404, json: { Message: 'No shipment' } }, { kind: 'rejected', reason: 'not_found' }],
    ['413', { status: 413, text: '' }, { kind: 'rejected', reason: 'invalid_request' }],
    [
      '415',
      { status: 415, json: { Message: 'Unsupported media type' } },
      { kind: 'rejected', reason: 'invalid_request' },
    ],
  ] as Array<[string, StubReply, object]>)('400-class: %s', async (_name, body, expected) => {
    stub.on('POST', PATH, body);
    expect(await json.cancel(MWS_REQUEST)).toMatchObject({ ...expected, attempts: 1 });
  });

  it.each([
    [
      '429 QuotaExceeded',
      xmlError(429, 'QuotaExceeded', 'Request is throttled'),
      { kind: 'retry_later', cause: 'throttled' },
    ],
    [
      '503 RequestThrottled',
      xmlError(503, 'RequestThrottled', 'Request is throttled'),
      { kind: 'retry_later', cause: 'throttled' },
    ],
    [
      '400 QuotaExceeded',
      jsonError('QuotaExceeded', 'You exceeded your quota'),
      { kind: 'retry_later', cause: 'throttled' },
    ],
    [
      '500',
      xmlError(500, 'InternalError', 'We encountered an internal error'),
      { kind: 'unknown', cause: 'server_error' },
    ],
    [
      '503',
      xmlError(503, 'ServiceUnavailable', 'Service unavailable'),
      { kind: 'retry_later', cause: 'unavailable' },
    ],
  ] as Array<[string, StubReply, object]>)(
    '%s every time → retried 3 times',
    async (_name, body, expected) => {
      stub.on('POST', PATH, body);
      expect(await json.cancel(MWS_REQUEST)).toMatchObject({ ...expected, attempts: 3 });
    },
  );

  it('expired-token 403, then success', async () => {
    stub.on('POST', PATH, xmlError(403, 'Unauthorized', 'The access token you provided has expired.'), {
      status: 200,
      text: withStatus(seed.responseXml, 'RefundApplied'),
      contentType: 'application/xml',
    });
    expect(await xml.cancel(MWS_REQUEST)).toMatchObject({ kind: 'voided', attempts: 2 });
    expect(stub.requestsTo('POST', '/auth/o2/token')).toHaveLength(2);
  });

  it('a response dropped after the bridge acted → unknown, one attempt', async () => {
    stub.on('POST', PATH, { drop: true });
    expect(await xml.cancel(MWS_REQUEST)).toMatchObject({
      kind: 'unknown',
      cause: 'connection_lost',
      attempts: 1,
    });
    expect(stub.requestsTo('POST', PATH)).toHaveLength(1);
  });

  it.each([
    'ATVPDKIKX0DER',
    'A1AM78C64UM0Y8',
    'A1PA6795UKMFR9',
    'A1F83G8C2ARO7P',
    'US',
    'MX',
    'DE',
    'UK',
    'GB',
    'us',
  ])('accepts marketplace %s', async (marketplaceId) => {
    stub.on('POST', PATH, {
      status: 200,
      text: withStatus(seed.responseJson, 'RefundPending'),
      contentType: 'application/json',
    });
    expect(await json.cancel({ ...MWS_REQUEST, marketplaceId })).toMatchObject({ kind: 'refund_pending' });
  });

  it.each(['A13V1IB3VIYZZH', 'FR', 'A2EUQ1WTGCTBG2', 'JP', 'XX'])(
    'refuses marketplace %s before any request (not even a token)',
    async (marketplaceId) => {
      expect(await json.cancel({ ...MWS_REQUEST, marketplaceId })).toMatchObject({
        kind: 'rejected',
        reason: 'unsupported_marketplace',
        attempts: 0,
      });
      expect(stub.requests).toHaveLength(0);
    },
  );

  it('a missing marketplace is an invalid request; status() is unsupported', async () => {
    expect(await json.cancel({ ...MWS_REQUEST, marketplaceId: undefined })).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_request',
    });
    expect(await json.status(MWS_REQUEST)).toEqual({ kind: 'unsupported' });
    expect(stub.requests).toHaveLength(0);
  });
});
