import { startTestSandbox, TestSandbox } from '../testing/sandbox-harness';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const v2 = (id: string) => ({
  api: 'amazon-shipping-v2',
  carrierShipmentId: id,
  orderId: `ORD-${id}`,
  businessId: 'AmazonShipping_UK',
  sellerAccount: 'seller-eu-1',
});
type ShipmentView = {
  status: string;
  history: Array<{ kind: string; outcome?: unknown; unsentStatus?: number; fault?: string }>;
};

describe('fault injection over HTTP', () => {
  let sandbox: TestSandbox;

  beforeEach(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(() => sandbox.close());

  async function runSequence(seed: number): Promise<number[]> {
    await sandbox.control('POST', 'reset');
    await sandbox.seed(ids('r', 40).map(v2));
    await sandbox.control('PUT', 'faults', { seed, errorRates: { '500': 0.2, '503': 0.15 } });
    const statuses: number[] = [];
    for (const id of ids('r', 40)) statuses.push((await sandbox.v2Cancel(id)).status);
    return statuses;
  }

  it('replays the same fault sequence for the same seed and request sequence', async () => {
    const first = await runSequence(1234);
    expect(new Set(first)).toEqual(new Set([200, 500, 503]));
    expect(await runSequence(1234)).toEqual(first);
    expect(await runSequence(4321)).not.toEqual(first);
  });

  it('injected errors use Amazon bodies and change nothing', async () => {
    await sandbox.seed(v2('e1'));
    await sandbox.control('PUT', 'faults', { errorRates: { '503': 1 } });
    const res = await sandbox.v2Cancel('e1');
    expect(res.status).toBe(503);
    expect(res.json<{ errors: Array<{ code: string }> }>().errors[0]?.code).toBe('ServiceUnavailable');
    expect((await sandbox.control('GET', 'shipments/e1')).json<ShipmentView>().status).toBe('Purchased');
    const counters = (await sandbox.control('GET', 'counters')).json<{
      faultsInjected: { byStatus: Record<string, number> };
    }>();
    expect(counters.faultsInjected.byStatus).toEqual({ '503': 1 });
  });

  it('drop-after-act applies the cancel, then destroys the socket', async () => {
    await sandbox.seed(v2('d1'));
    await sandbox.lwaToken();
    await sandbox.control('PUT', 'faults', { dropAfterActRate: 1 });
    await expect(sandbox.v2Cancel('d1')).rejects.toThrow(/other side closed|socket|closed/i);
    const shipment = (await sandbox.control('GET', 'shipments/d1')).json<ShipmentView>();
    expect(shipment.status).toBe('Voided');
    expect(shipment.history.find((h) => h.kind === 'request')).toMatchObject({
      outcome: 'dropped',
      unsentStatus: 200,
    });
    await sandbox.control('DELETE', 'faults');
    // The caller retries its unknown outcome and learns the shipment is already cancelled.
    expect((await sandbox.v2Cancel('d1')).status).toBe(400);
    const counters = (await sandbox.control('GET', 'counters')).json<{
      faultsInjected: { dropAfterAct: number };
      stateChangingCancels: { perShipment: Record<string, number> };
    }>();
    expect(counters.faultsInjected.dropAfterAct).toBe(1);
    expect(counters.stateChangingCancels.perShipment['d1']).toBe(1);
  });

  it('a timeout holds the request without answering and without acting', async () => {
    await sandbox.seed(v2('t1'));
    const token = await sandbox.lwaToken();
    await sandbox.control('PUT', 'faults', { timeoutRate: 1 });
    const held = sandbox.http('PUT', '/shipping/v2/shipments/t1/cancel', {
      headers: { 'x-amz-access-token': token, 'x-amzn-shipping-business-id': 'AmazonShipping_UK' },
      timeoutMs: 300,
    });
    await expect(held).rejects.toThrow(/abort|timeout/i);
    const shipment = (await sandbox.control('GET', 'shipments/t1')).json<ShipmentView>();
    expect(shipment.status).toBe('Purchased');
    expect(shipment.history.find((h) => h.kind === 'request')).toMatchObject({ outcome: 'timeout' });
    const counters = (await sandbox.control('GET', 'counters')).json<{
      faultsInjected: { timeout: number };
    }>();
    expect(counters.faultsInjected.timeout).toBe(1);
  });

  it('latency delays the answer by the configured time', async () => {
    await sandbox.seed(v2('l1'));
    await sandbox.lwaToken();
    await sandbox.control('PUT', 'faults', { latency: { fixedMs: 150 } });
    const started = Date.now();
    expect((await sandbox.v2Cancel('l1')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('token expiry turns the next N tokens into expired ones, for good', async () => {
    await sandbox.seed([v2('x1'), v2('x2')]);
    const token = await sandbox.lwaToken();
    await sandbox.control('PUT', 'faults', { tokenExpiry: { expireNext: 1 } });
    const expired = await sandbox.v2Cancel('x1', { token });
    expect(expired.status).toBe(403);
    expect(expired.json<{ errors: Array<{ details: string }> }>().errors[0]?.details).toBe(
      'The access token you provided has expired.',
    );
    expect((await sandbox.v2Cancel('x1', { token })).status).toBe(403);
    const fresh = (
      await sandbox.http('POST', '/auth/o2/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token&refresh_token=Atzr%7Csandbox-refresh-token&client_id=amzn1.application-oa2-client.sandbox&client_secret=sandbox-client-secret',
      })
    ).json<{ access_token: string }>().access_token;
    expect((await sandbox.v2Cancel('x1', { token: fresh })).status).toBe(200);
  });

  it('can target LWA, answering in its OAuth error shape', async () => {
    await sandbox.control('PUT', 'faults', { apis: ['lwa'], errorRates: { '503': 1 } });
    const res = await sandbox.http('POST', '/auth/o2/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token',
    });
    expect(res.status).toBe(503);
    expect(res.json<{ error: string }>().error).toBe('temporarily_unavailable');
  });
});
