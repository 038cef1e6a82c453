import { startTestSandbox, TestSandbox } from '../testing/sandbox-harness';

type ErrorBody = { errors: Array<{ code: string; message: string }> };

describe('rate limiting over HTTP', () => {
  let sandbox: TestSandbox;

  beforeEach(async () => {
    sandbox = await startTestSandbox({ rateLimits: true });
    const shipments = Array.from({ length: 12 }, (_, i) => ({
      api: 'amazon-shipping-v2',
      carrierShipmentId: `rl-${i}`,
      orderId: `ORD-rl-${i}`,
      businessId: 'AmazonShipping_UK',
      sellerAccount: i < 8 ? 'seller-a' : 'seller-b',
    }));
    await sandbox.seed(shipments);
  });
  afterEach(() => sandbox.close());

  it('serves the burst, answers 429 QuotaExceeded without the rate header, then refills', async () => {
    await sandbox.control('PUT', 'rate-limits', {
      'amazon-shipping-v2.cancelShipment': { ratePerSecond: 10, burst: 3 },
    });
    const statuses: number[] = [];
    let throttled: ErrorBody | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await sandbox.v2Cancel(`rl-${i}`);
      statuses.push(res.status);
      if (res.status === 429) {
        throttled = res.json<ErrorBody>();
        expect(res.headers['x-amzn-ratelimit-limit']).toBeUndefined();
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(throttled?.errors[0]).toEqual({
      code: 'QuotaExceeded',
      message: 'You exceeded your quota for the requested resource.',
    });
    // The throttled cancel did nothing.
    expect((await sandbox.control('GET', 'shipments/rl-3')).json<{ status: string }>().status).toBe(
      'Purchased',
    );
    await new Promise((r) => setTimeout(r, 150));
    expect((await sandbox.v2Cancel('rl-3')).status).toBe(200);
    const counters = (await sandbox.control('GET', 'counters')).json<{
      throttled: { total: number; byBucket: Record<string, number> };
    }>();
    expect(counters.throttled).toEqual({
      total: 1,
      byBucket: { 'amazon-shipping-v2.cancelShipment|seller-a': 1 },
    });
  });

  it('keeps a separate bucket per seller account', async () => {
    await sandbox.control('PUT', 'rate-limits', { 'amazon-shipping-v2': { ratePerSecond: 1, burst: 1 } });
    expect((await sandbox.v2Cancel('rl-0')).status).toBe(200);
    expect((await sandbox.v2Cancel('rl-1')).status).toBe(429);
    expect((await sandbox.v2Cancel('rl-8')).status).toBe(200);
  });

  it('applies the documented defaults (MFN v0 cancel: 1/s, burst 1) and can be switched off', async () => {
    const ids = ['a1a1a1a1-0000-4000-8000-000000000001', 'a1a1a1a1-0000-4000-8000-000000000002'];
    await sandbox.seed(
      ids.map((id) => ({
        api: 'amazon-mfn-v0',
        carrierShipmentId: id,
        orderId: 'ORD-v0',
        marketplaceId: 'ATVPDKIKX0DER',
        sellerAccount: 's',
      })),
    );
    const rdt = await sandbox.rdt();
    expect((await sandbox.v0('DELETE', ids[0] ?? '', rdt)).status).toBe(200);
    expect((await sandbox.v0('DELETE', ids[1] ?? '', rdt)).status).toBe(429);
    await sandbox.control('PUT', 'rate-limits', null);
    expect((await sandbox.v0('DELETE', ids[1] ?? '', rdt)).status).toBe(200);
  });

  it('throttles the MWS bridge after its burst of 10', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `mws-rl-${i}`);
    await sandbox.seed(
      ids.map((id) => ({
        api: 'amazon-mfn-mws',
        carrierShipmentId: id,
        orderId: 'ORD-mws',
        marketplaceId: 'ATVPDKIKX0DER',
        sellerAccount: 's',
      })),
    );
    const statuses = [];
    for (const id of ids) statuses.push((await sandbox.mws('CancelShipment', id)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses[10]).toBe(429);
  });
});
