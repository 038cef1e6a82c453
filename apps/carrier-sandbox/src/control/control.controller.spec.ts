import { startTestSandbox, TestSandbox } from '../testing/sandbox-harness';

type Listed = {
  count: number;
  shipments: Array<{ carrierShipmentId: string; orderId: string; status: string }>;
};

describe('control API /__sandbox/', () => {
  let sandbox: TestSandbox;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(() => sandbox.close());

  it('seeds one shipment, filling the defaults, and returns it with its history', async () => {
    const res = await sandbox.seed({
      api: 'amazon-mfn-v0',
      orderId: 'ORD-1',
      marketplaceId: 'A1PA6795UKMFR9',
      sellerAccount: 'seller-eu-1',
    });
    expect(res.status).toBe(201);
    const body = res.json<{
      carrierShipmentId: string;
      status: string;
      labelCost: unknown;
      history: unknown[];
      cancelWindowEndsAt: string;
      purchasedAt: string;
    }>();
    expect(body.carrierShipmentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toMatchObject({ status: 'Purchased', labelCost: { amount: '4.99', currency: 'EUR' } });
    expect(Date.parse(body.cancelWindowEndsAt) - Date.parse(body.purchasedAt)).toBe(24 * 3600_000);
    expect(body.history).toHaveLength(1);
  });

  it('refuses invalid shipments with the path of the bad field, and seeds nothing from a bad batch', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ api: 'amazon-shipping-v2', orderId: 'o', sellerAccount: 's' }, /shipments\[1\]\.businessId/],
      [
        {
          api: 'amazon-mfn-v0',
          orderId: 'o',
          sellerAccount: 's',
          marketplaceId: 'm',
          carrierShipmentId: 'abc',
        },
        /UUID/,
      ],
      [
        {
          api: 'amazon-mfn-mws',
          orderId: 'o',
          sellerAccount: 's',
          marketplaceId: 'm',
          labelCost: { amount: 4.5, currency: 'EUR' },
        },
        /amount/,
      ],
      [
        {
          api: 'amazon-shipping-v2',
          orderId: 'o',
          sellerAccount: 's',
          businessId: 'AmazonShipping_UK',
          status: 'RefundPending',
        },
        /does not exist/,
      ],
      [{ api: 'ups', orderId: 'o' }, /api must be one of/],
    ];
    for (const [input, message] of cases) {
      const res = await sandbox.seed([
        { api: 'amazon-shipping-v2', orderId: 'ok', sellerAccount: 's', businessId: 'AmazonShipping_US' },
        input,
      ]);
      expect(res.status).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(message);
    }
    expect((await sandbox.control('GET', 'shipments')).json<Listed>().count).toBe(0);
  });

  // Not timed (a busy machine makes any bound flaky); a seed that grew quadratic would run into the test timeout.
  it('seeds 30,000 shipments in one call and lists them by order', async () => {
    const bulk = Array.from({ length: 30_000 }, (_, i) => ({
      api: 'amazon-shipping-v2',
      carrierShipmentId: `bulk-${i}`,
      orderId: `ORD-${Math.floor(i / 3)}`,
      businessId: 'AmazonShipping_FR',
      sellerAccount: 'seller-eu-1',
      labelCost: { amount: '6.90', currency: 'EUR' },
    }));
    const res = await sandbox.seed(bulk);
    expect(res.status).toBe(201);
    const seeded = res.json<{
      created: number;
      count: number;
      shipments: Array<{ carrierShipmentId: string; status: string }>;
    }>();
    expect(seeded).toMatchObject({ created: 30_000, count: 30_000 });
    expect(seeded.shipments[29_999]).toMatchObject({ carrierShipmentId: 'bulk-29999', status: 'Purchased' });
    const order = (await sandbox.control('GET', 'shipments?orderId=ORD-7')).json<Listed>();
    expect(order.shipments.map((s) => s.carrierShipmentId)).toEqual(['bulk-21', 'bulk-22', 'bulk-23']);
    // Re-seeding replaces rather than duplicates.
    const again = await sandbox.http('POST', '/__sandbox/shipments?view=ids', { body: bulk.slice(0, 2) });
    expect(again.json()).toEqual({
      created: 0,
      replaced: 2,
      count: 2,
      carrierShipmentIds: ['bulk-0', 'bulk-1'],
    });
    expect((await sandbox.control('GET', 'shipments?orderId=ORD-0')).json<Listed>().count).toBe(3);
  });

  it('reads a shipment with every request and state change, and 404s an unknown one', async () => {
    await sandbox.seed({
      api: 'amazon-shipping-v2',
      carrierShipmentId: 'h1',
      orderId: 'o',
      businessId: 'AmazonShipping_UK',
      sellerAccount: 's',
    });
    await sandbox.v2Cancel('h1');
    await sandbox.v2Cancel('h1');
    const view = (await sandbox.control('GET', 'shipments/h1')).json<{
      history: Array<{ kind: string; outcome?: number; at: string }>;
    }>();
    expect(view.history.map((h) => `${h.kind}:${h.outcome ?? ''}`)).toEqual([
      'seeded:',
      'state:',
      'request:200',
      'request:400',
    ]);
    expect(view.history.every((h) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
    expect((await sandbox.control('GET', 'shipments/nope')).status).toBe(404);
  });

  it('counts calls per endpoint and resets counters on demand', async () => {
    await sandbox.v2Cancel('none');
    const counters = (await sandbox.control('GET', 'counters')).json<{
      calls: Record<string, { total: number; byOutcome: Record<string, number> }>;
    }>();
    expect(counters.calls['PUT /shipping/v2/shipments/{shipmentId}/cancel']).toEqual({
      total: 1,
      byOutcome: { '404': 1 },
    });
    expect(counters.calls['POST /auth/o2/token']?.total).toBe(1);
    await sandbox.control('DELETE', 'counters');
    expect((await sandbox.control('GET', 'counters')).json<{ calls: object }>().calls).toEqual({});
  });

  it('answers totals without the per-shipment maps when asked for view=totals', async () => {
    await sandbox.seed({
      api: 'amazon-shipping-v2',
      carrierShipmentId: 't1',
      orderId: 'o-totals',
      businessId: 'AmazonShipping_UK',
      sellerAccount: 's',
    });
    expect((await sandbox.v2Cancel('t1')).status).toBe(200);
    type Counters = Record<string, Record<string, unknown>>;
    const full = (await sandbox.control('GET', 'counters')).json<Counters>();
    const totals = (await sandbox.control('GET', 'counters?view=totals')).json<Counters>();
    expect(full['stateChangingCancels']?.['perShipment']).toEqual({ t1: 1 });
    expect(full['cancelRequestsPerShipment']).toBeDefined();
    expect(totals['stateChangingCancels']).toEqual({ total: 1, shipments: 1 });
    expect(totals['cancelRequestsPerShipment']).toBeUndefined();
    expect(totals['calls']).toEqual(full['calls']);
  });

  it('resets everything, optionally loading the demo dataset', async () => {
    await sandbox.seed({
      api: 'amazon-shipping-v2',
      orderId: 'o',
      businessId: 'AmazonShipping_UK',
      sellerAccount: 's',
    });
    await sandbox.control('PUT', 'faults', { errorRates: { '500': 1 } });
    await sandbox.control('PUT', 'settings', { tokenTtlSeconds: 5 });
    expect((await sandbox.control('POST', 'reset')).json<{ shipments: number }>().shipments).toBe(0);
    expect((await sandbox.control('GET', 'faults')).json()).toEqual({ faults: null });
    expect(
      (await sandbox.control('GET', 'settings')).json<{ tokenTtlSeconds: number }>().tokenTtlSeconds,
    ).toBe(3600);
    expect(
      (await sandbox.control('POST', 'reset', { seedDemo: true })).json<{ shipments: number }>().shipments,
    ).toBeGreaterThan(12);
  });

  it('answers unknown routes, wrong methods and bad bodies clearly', async () => {
    expect((await sandbox.control('GET', 'nothing')).status).toBe(404);
    expect((await sandbox.control('DELETE', 'shipments')).status).toBe(405);
    const bad = await sandbox.http('PUT', '/__sandbox/faults', {
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(bad.status).toBe(400);
    expect((await sandbox.control('PUT', 'settings', { mfnRefundRejectionRate: 2 })).status).toBe(400);
    expect((await sandbox.control('PUT', 'settings', { colour: 'red' })).status).toBe(400);
    expect((await sandbox.control('PUT', 'rate-limits', { 'amazon-mfn-v0': { burst: 1 } })).status).toBe(400);
  });

  it('serves /health and keeps the Amazon surface free of control routes', async () => {
    const health = await sandbox.http('GET', '/health');
    expect(health.json()).toMatchObject({ status: 'ok' });
    const stray = await sandbox.http('GET', '/shipments');
    expect(stray.status).toBe(404);
    expect(stray.json()).toEqual({ errors: [{ code: 'NotFound', message: 'Resource not found' }] });
  });
});
