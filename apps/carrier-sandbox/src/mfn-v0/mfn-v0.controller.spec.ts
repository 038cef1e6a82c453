import { eventually, startTestSandbox, TestSandbox } from '../testing/sandbox-harness';

const ID = {
  open: '11111111-1111-4111-8111-111111111111',
  rejected: '22222222-2222-4222-8222-222222222222',
  expired: '33333333-3333-4333-8333-333333333333',
  unknown: '44444444-4444-4444-8444-444444444444',
};
const past = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

function v0Shipment(id: string, extra: Record<string, unknown> = {}) {
  return {
    api: 'amazon-mfn-v0',
    carrierShipmentId: id,
    orderId: `ORD-${id.slice(0, 4)}`,
    marketplaceId: 'ATVPDKIKX0DER',
    sellerAccount: 'seller-na-1',
    labelCost: { amount: '11.20', currency: 'USD' },
    ...extra,
  };
}

type ShipmentBody = {
  payload: {
    Status: string;
    ShipmentId: string;
    Label: { FileContents: { FileType: string } };
    ShippingService: { Rate: { Amount: number } };
  };
};
type ErrorBody = { errors: Array<{ code: string; message: string; details?: string }> };

describe('Merchant Fulfillment v0', () => {
  let sandbox: TestSandbox;
  let rdt: string;

  beforeEach(async () => {
    sandbox = await startTestSandbox({ settings: { mfnRefundDelayMs: 100, mfnRefundRejectionDelayMs: 150 } });
    await sandbox.seed([
      v0Shipment(ID.open),
      v0Shipment(ID.rejected, { forceRefundResult: 'RefundRejected' }),
      v0Shipment(ID.expired, { purchasedAt: past(60), cancelWindowEndsAt: past(36) }),
    ]);
    rdt = await sandbox.rdt();
  });
  afterEach(() => sandbox.close());

  it('requires a Restricted Data Token, not the plain LWA token', async () => {
    const plain = await sandbox.v0('DELETE', ID.open, await sandbox.lwaToken());
    expect(plain.status).toBe(403);
    expect(plain.json<ErrorBody>().errors[0]?.details).toBe(
      'This operation returns restricted data and requires a Restricted Data Token.',
    );
    const none = await sandbox.v0('DELETE', ID.open);
    expect(none.status).toBe(403);
    expect((await sandbox.control('GET', `shipments/${ID.open}`)).json<{ status: string }>().status).toBe(
      'Purchased',
    );
  });

  it('only honours an RDT for the method and path it was issued for', async () => {
    const getOnly = await sandbox.rdt([{ method: 'GET', path: `/mfn/v0/shipments/${ID.open}` }]);
    expect((await sandbox.v0('GET', ID.open, getOnly)).status).toBe(200);
    const denied = await sandbox.v0('DELETE', ID.open, getOnly);
    expect(denied.status).toBe(403);
    expect(denied.json<ErrorBody>().errors[0]?.details).toMatch(/does not grant access/);
    expect((await sandbox.v0('GET', ID.rejected, getOnly)).status).toBe(403);
  });

  it('returns a purchased shipment with its label, valid against the model', async () => {
    const res = await sandbox.v0('GET', ID.open, rdt);
    expect(res.status).toBe(200);
    const body = res.json<ShipmentBody>();
    expect(body.payload.Status).toBe('Purchased');
    expect(body.payload.Label.FileContents.FileType).toBe('application/pdf');
    expect(body.payload.ShippingService.Rate.Amount).toBe(11.2);
  });

  it('cancels into RefundPending with an empty label, then RefundApplied after the delay', async () => {
    const res = await sandbox.v0('DELETE', ID.open, rdt);
    expect(res.status).toBe(200);
    const body = res.json<ShipmentBody>();
    expect(body.payload.Status).toBe('RefundPending');
    expect(body.payload.Label.FileContents.FileType).toBe('');
    const later = await eventually(
      async () => (await sandbox.v0('GET', ID.open, rdt)).json<ShipmentBody>().payload.Status,
      (status) => status !== 'RefundPending',
    );
    expect(later).toBe('RefundApplied');
    const history = (await sandbox.control('GET', `shipments/${ID.open}`)).json<{
      history: Array<{ kind: string; to?: string }>;
    }>();
    expect(history.history.filter((h) => h.kind === 'state').map((h) => h.to)).toEqual([
      'RefundPending',
      'RefundApplied',
    ]);
  });

  it('ends in RefundRejected when the seed forces it, when the window has expired, or by the rejection rate', async () => {
    await sandbox.seed(v0Shipment('55555555-5555-4555-8555-555555555555'));
    await sandbox.control('PUT', 'settings', { mfnRefundRejectionRate: 1 });
    for (const id of [ID.rejected, ID.expired, '55555555-5555-4555-8555-555555555555']) {
      const res = await sandbox.v0('DELETE', id, rdt);
      expect(res.status).toBe(200);
      expect(res.json<ShipmentBody>().payload.Status).toBe('RefundPending');
    }
    for (const id of [ID.rejected, ID.expired, '55555555-5555-4555-8555-555555555555']) {
      const status = await eventually(
        async () => (await sandbox.v0('GET', id, rdt)).json<ShipmentBody>().payload.Status,
        (s) => s !== 'RefundPending',
      );
      expect(status).toBe('RefundRejected');
    }
  });

  it('answers a second cancel with 400', async () => {
    expect((await sandbox.v0('DELETE', ID.open, rdt)).status).toBe(200);
    const again = await sandbox.v0('DELETE', ID.open, rdt);
    expect(again.status).toBe(400);
    expect(again.json<ErrorBody>().errors[0]?.message).toMatch(/already been cancelled/);
  });

  it('answers a malformed id with 400 InvalidInput and an unknown one with 404', async () => {
    const malformed = await sandbox.v0('DELETE', 'TEST_CASE_400', rdt);
    expect(malformed.status).toBe(400);
    expect(malformed.json<ErrorBody>().errors[0]?.message).toMatch(/failed to satisfy constraint/);
    const unknown = await sandbox.v0('DELETE', ID.unknown, rdt);
    expect(unknown.status).toBe(404);
    expect(unknown.json<ErrorBody>().errors[0]?.code).toBe('NotFound');
  });

  it('validates Restricted Data Token requests', async () => {
    const noToken = await sandbox.http('POST', '/tokens/2021-03-01/restrictedDataToken', {
      body: { restrictedResources: [{ method: 'GET', path: '/mfn/v0/shipments/x' }] },
    });
    expect(noToken.status).toBe(403);
    const empty = await sandbox.http('POST', '/tokens/2021-03-01/restrictedDataToken', {
      headers: { 'x-amz-access-token': await sandbox.lwaToken() },
      body: { restrictedResources: [] },
    });
    expect(empty.status).toBe(400);
    const ok = await sandbox.http('POST', '/tokens/2021-03-01/restrictedDataToken', {
      headers: { 'x-amz-access-token': await sandbox.lwaToken() },
      body: { restrictedResources: [{ method: 'DELETE', path: `/mfn/v0/shipments/${ID.open}` }] },
    });
    expect(ok.json<{ expiresIn: number }>().expiresIn).toBe(3600);
  });
});
