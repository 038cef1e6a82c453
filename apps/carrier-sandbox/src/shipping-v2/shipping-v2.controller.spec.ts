import { startTestSandbox, TestSandbox } from '../testing/sandbox-harness';

const past = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

function v2Shipment(id: string, extra: Record<string, unknown> = {}) {
  return {
    api: 'amazon-shipping-v2',
    carrierShipmentId: id,
    orderId: `ORD-${id}`,
    businessId: 'AmazonShipping_UK',
    sellerAccount: 'seller-eu-1',
    trackingId: `TBA${id}`,
    labelCost: { amount: '3.99', currency: 'GBP' },
    ...extra,
  };
}

interface ErrorBody {
  errors: Array<{ code: string; message: string; details?: string }>;
}

describe('Amazon Shipping v2', () => {
  let sandbox: TestSandbox;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
    await sandbox.seed([
      v2Shipment('1001'),
      v2Shipment('1002'),
      v2Shipment('1003', { purchasedAt: past(50), cancelWindowEndsAt: past(26) }),
      v2Shipment('1004', { businessId: 'AmazonShipping_US', carrierId: 'AMZN_US' }),
    ]);
  });
  afterEach(() => sandbox.close());

  it('voids a shipment: 200 {"payload":{}} with request id and rate limit headers', async () => {
    const res = await sandbox.v2Cancel('1001');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ payload: {} });
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-amzn-ratelimit-limit']).toBe('80.0');
    const shipment = (await sandbox.control('GET', 'shipments/1001')).json<{
      status: string;
      history: Array<{ kind: string }>;
    }>();
    expect(shipment.status).toBe('Voided');
    expect(shipment.history.map((h) => h.kind)).toEqual(['seeded', 'state', 'request']);
  });

  it('answers a second cancel with 400 "already cancelled" and changes nothing', async () => {
    await sandbox.v2Cancel('1001');
    const again = await sandbox.v2Cancel('1001');
    expect(again.status).toBe(400);
    const error = again.json<ErrorBody>().errors[0];
    expect(error?.code).toBe('InvalidInput');
    expect(error?.message).toMatch(/already been cancelled/);
    const counters = (await sandbox.control('GET', 'counters')).json<{
      stateChangingCancels: { perShipment: Record<string, number> };
      cancelRequestsPerShipment: Record<string, number>;
    }>();
    expect(counters.stateChangingCancels.perShipment['1001']).toBe(1);
    expect(counters.cancelRequestsPerShipment['1001']).toBe(2);
  });

  it('answers an unknown shipment with 404 NotFound, or 400 when the quirk is switched on', async () => {
    const missing = await sandbox.v2Cancel('999999');
    expect(missing.status).toBe(404);
    expect(missing.json<ErrorBody>().errors[0]?.code).toBe('NotFound');
    await sandbox.control('PUT', 'settings', { v2NotFoundStatus: 400 });
    const quirk = await sandbox.v2Cancel('999999');
    expect(quirk.status).toBe(400);
    expect(quirk.json<ErrorBody>().errors[0]?.details).toMatch(/not found/);
  });

  it('refuses a shipment past its window (already picked up) with 400 and leaves it Purchased', async () => {
    const res = await sandbox.v2Cancel('1003');
    expect(res.status).toBe(400);
    expect(res.json<ErrorBody>().errors[0]?.message).toMatch(
      /cannot be cancelled: it has already been picked up/,
    );
    expect((await sandbox.control('GET', 'shipments/1003')).json<{ status: string }>().status).toBe(
      'Purchased',
    );
  });

  it('requires x-amzn-shipping-business-id and only finds shipments of that business', async () => {
    const missing = await sandbox.v2Cancel('1001', { businessId: null });
    expect(missing.status).toBe(400);
    expect(missing.json<ErrorBody>().errors[0]).toMatchObject({
      code: 'InvalidInput',
      details: expect.stringMatching(/business-id header is required/),
    });
    const invalid = await sandbox.v2Cancel('1001', { businessId: 'AmazonShipping_XX' });
    expect(invalid.status).toBe(400);
    const otherBusiness = await sandbox.v2Cancel('1004', { businessId: 'AmazonShipping_UK' });
    expect(otherBusiness.status).toBe(404);
    const right = await sandbox.v2Cancel('1004', { businessId: 'AmazonShipping_US' });
    expect(right.status).toBe(200);
  });

  it('answers token problems with 403 Unauthorized and says which one', async () => {
    const none = await sandbox.v2Cancel('1001', { token: null });
    expect(none.status).toBe(403);
    expect(none.json<ErrorBody>().errors[0]).toMatchObject({
      code: 'Unauthorized',
      details: 'Access token is missing in the request header.',
    });
    const garbage = await sandbox.v2Cancel('1001', { token: 'Atza|forged' });
    expect(garbage.status).toBe(403);
    expect(garbage.json<ErrorBody>().errors[0]?.details).toMatch(/revoked, malformed or invalid/);
    const rdt = await sandbox.v2Cancel('1001', { token: await sandbox.rdt() });
    expect(rdt.status).toBe(403);
    expect((await sandbox.control('GET', 'shipments/1001')).json<{ status: string }>().status).toBe(
      'Purchased',
    );
  });

  it('answers an expired token with 403 "The access token you provided has expired."', async () => {
    await sandbox.control('PUT', 'settings', { tokenTtlSeconds: 1 });
    const token = await sandbox.lwaToken();
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await sandbox.v2Cancel('1001', { token });
    expect(res.status).toBe(403);
    expect(res.json<ErrorBody>().errors[0]?.details).toBe('The access token you provided has expired.');
  });

  describe('getTracking', () => {
    const track = async (trackingId: string, carrierId = 'AMZN_UK', businessId = 'AmazonShipping_UK') =>
      sandbox.http('GET', `/shipping/v2/tracking?trackingId=${trackingId}&carrierId=${carrierId}`, {
        headers: {
          'x-amz-access-token': await sandbox.lwaToken(),
          'x-amzn-shipping-business-id': businessId,
        },
      });
    type Tracking = { payload: { summary: { status: string }; eventHistory: Array<{ eventCode: string }> } };

    it('shows PreTransit before the cancel and PickupCancelled after it', async () => {
      const before = await track('TBA1001');
      expect(before.status).toBe(200);
      expect(before.json<Tracking>().payload.summary.status).toBe('PreTransit');
      await sandbox.v2Cancel('1001');
      const after = (await track('TBA1001')).json<Tracking>();
      expect(after.payload.summary.status).toBe('PickupCancelled');
      expect(after.payload.eventHistory.map((e) => e.eventCode)).toEqual([
        'ReadyForReceive',
        'PickupCancelled',
      ]);
    });

    it('shows a shipment past its window as picked up (InTransit)', async () => {
      expect((await track('TBA1003')).json<Tracking>().payload.summary.status).toBe('InTransit');
    });

    it('answers unknown tracking ids and carrier mismatches with 404, missing parameters with 400', async () => {
      expect((await track('TBA-nope')).status).toBe(404);
      expect((await track('TBA1001', 'AMZN_US')).status).toBe(404);
      const missing = await sandbox.http('GET', '/shipping/v2/tracking?trackingId=TBA1001', {
        headers: {
          'x-amz-access-token': await sandbox.lwaToken(),
          'x-amzn-shipping-business-id': 'AmazonShipping_UK',
        },
      });
      expect(missing.status).toBe(400);
    });
  });
});
