import { parseXml } from '../testing/amazon-oracle';
import { eventually, startTestSandbox, TestSandbox } from '../testing/sandbox-harness';

const MARKETPLACE = {
  MX: 'A1AM78C64UM0Y8',
  US: 'ATVPDKIKX0DER',
  DE: 'A1PA6795UKMFR9',
  UK: 'A1F83G8C2ARO7P',
  FR: 'A13V1IB3VIYZZH',
};
const past = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

function mwsShipment(id: string, marketplaceId: string, extra: Record<string, unknown> = {}) {
  return {
    api: 'amazon-mfn-mws',
    carrierShipmentId: id,
    orderId: `ORD-${id}`,
    marketplaceId,
    sellerAccount: 'seller-eu-2',
    labelCost: { amount: '4.10', currency: 'GBP' },
    ...extra,
  };
}

type MwsShipment = {
  ShipmentId: string;
  Status: string;
  TrackingId: string;
  ShippingService: { Rate: { Amount: number } };
};
type MwsCancel = {
  CancelShipmentResult: { Shipment: MwsShipment };
  ResponseMetadata: { RequestId: string };
  ResponseHeaderMetadata: { RequestId: string; QuotaMax: number | null; QuotaRemaining: number | null };
};
type MwsError = {
  Error: { Type: string; Code: string; Message: string; Detail?: string };
  RequestId: string;
};

describe('MWS bridge CancelShipment', () => {
  let sandbox: TestSandbox;

  beforeEach(async () => {
    sandbox = await startTestSandbox({ settings: { mfnRefundDelayMs: 80 } });
    await sandbox.seed([
      mwsShipment('mws-uk', MARKETPLACE.UK),
      mwsShipment('mws-us', MARKETPLACE.US),
      mwsShipment('mws-de', MARKETPLACE.DE),
      mwsShipment('mws-mx', MARKETPLACE.MX),
      mwsShipment('mws-fr', MARKETPLACE.FR),
      mwsShipment('mws-late', MARKETPLACE.US, { purchasedAt: past(72), cancelWindowEndsAt: past(48) }),
    ]);
  });
  afterEach(() => sandbox.close());

  it('cancels in JSON with the full Shipment, status RefundPending and the request id of the seed shape', async () => {
    const res = await sandbox.mws('CancelShipment', 'mws-uk');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<MwsCancel>();
    expect(body.CancelShipmentResult.Shipment).toMatchObject({
      ShipmentId: 'mws-uk',
      Status: 'RefundPending',
    });
    expect(body.CancelShipmentResult.Shipment.ShippingService.Rate.Amount).toBe(4.1);
    expect(body.ResponseMetadata.RequestId).toBe(res.headers['x-amzn-requestid']);
    expect(body.ResponseHeaderMetadata.QuotaMax).toBeNull();
  });

  it('reports the quota in ResponseHeaderMetadata when rate limits are on', async () => {
    await sandbox.control('PUT', 'rate-limits', { 'amazon-mfn-mws': { ratePerSecond: 5, burst: 10 } });
    const body = (await sandbox.mws('CancelShipment', 'mws-uk')).json<MwsCancel>();
    expect(body.ResponseHeaderMetadata).toMatchObject({ QuotaMax: 10, QuotaRemaining: 9 });
  });

  it('speaks XML when the request is XML and Accept asks for XML, with the same data as JSON', async () => {
    const res = await sandbox.mws('CancelShipment', 'mws-us', { xml: true, accept: 'application/xml' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const xml = parseXml(res.text) as {
      CancelShipmentResponse: { CancelShipmentResult: { Shipment: Record<string, unknown> } };
    };
    const fromXml = xml.CancelShipmentResponse.CancelShipmentResult.Shipment;
    const fromJson = (await sandbox.mws('GetShipment', 'mws-us')).json<{
      GetShipmentResult: { Shipment: MwsShipment };
    }>().GetShipmentResult.Shipment;
    expect(fromXml['ShipmentId']).toBe(fromJson.ShipmentId);
    expect(fromXml['Status']).toBe('RefundPending');
    expect(fromXml['TrackingId']).toBe(fromJson.TrackingId);
    expect(res.text).toContain('<Item>');
    expect(res.text).toContain('<string>PDF</string>');
  });

  it('lets Content-Type pick the request format and Accept the response format independently', async () => {
    const xmlIn = await sandbox.mws('CancelShipment', 'mws-de', { xml: true });
    expect(xmlIn.headers['content-type']).toMatch(/^application\/json/);
    expect(xmlIn.json<MwsCancel>().CancelShipmentResult.Shipment.ShipmentId).toBe('mws-de');
    const xmlOut = await sandbox.mws('CancelShipment', 'mws-mx', { accept: 'text/xml' });
    expect(xmlOut.headers['content-type']).toMatch(/^text\/xml/);
    expect(xmlOut.text).toContain('<ShipmentId>mws-mx</ShipmentId>');
  });

  it('accepts all four supported marketplaces and refuses an unsupported one without changing it', async () => {
    for (const id of ['mws-uk', 'mws-us', 'mws-de', 'mws-mx'])
      expect((await sandbox.mws('CancelShipment', id)).status).toBe(200);
    const fr = await sandbox.mws('CancelShipment', 'mws-fr');
    expect(fr.status).toBe(400);
    expect(fr.json<MwsError>().Error).toMatchObject({ Type: 'Sender', Code: 'InvalidRequest' });
    expect(fr.json<MwsError>().Error.Message).toMatch(/Mexico, US, Germany and UK/);
    expect((await sandbox.control('GET', 'shipments/mws-fr')).json<{ status: string }>().status).toBe(
      'Purchased',
    );
  });

  it('answers an expired window with LabelCancelWindowExpired (400), in JSON and XML', async () => {
    const json = await sandbox.mws('CancelShipment', 'mws-late');
    expect(json.status).toBe(400);
    expect(json.json<MwsError>().Error.Code).toBe('LabelCancelWindowExpired');
    const xml = await sandbox.mws('CancelShipment', 'mws-late', { xml: true, accept: 'application/xml' });
    expect(xml.status).toBe(400);
    expect(xml.text).toContain('<Code>LabelCancelWindowExpired</Code>');
  });

  it('answers a second cancel with 400 and resolves the refund to RefundApplied', async () => {
    await sandbox.mws('CancelShipment', 'mws-uk');
    const again = await sandbox.mws('CancelShipment', 'mws-uk');
    expect(again.status).toBe(400);
    expect(again.json<MwsError>().Error.Message).toMatch(/already been cancelled/);
    const status = await eventually(
      async () =>
        (await sandbox.mws('GetShipment', 'mws-uk')).json<{ GetShipmentResult: { Shipment: MwsShipment } }>()
          .GetShipmentResult.Shipment.Status,
      (s) => s !== 'RefundPending',
    );
    expect(status).toBe('RefundApplied');
  });

  it('answers unknown ids, missing ids, odd media types and expired tokens', async () => {
    expect((await sandbox.mws('CancelShipment', 'nope')).status).toBe(404);
    const missing = await sandbox.http('POST', '/api/mws/shipment/CancelShipment', {
      headers: { 'x-amz-access-token': await sandbox.lwaToken(), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(400);
    const media = await sandbox.http('POST', '/api/mws/shipment/CancelShipment', {
      headers: { 'x-amz-access-token': await sandbox.lwaToken(), 'content-type': 'application/pdf' },
      body: 'x',
    });
    expect(media.status).toBe(415);
    await sandbox.control('POST', 'credentials', { expireAccessTokens: true });
    const expired = await sandbox.mws('CancelShipment', 'mws-uk');
    expect(expired.status).toBe(403);
    expect(expired.json<MwsError>().Error.Detail).toBe('The access token you provided has expired.');
  });
});
