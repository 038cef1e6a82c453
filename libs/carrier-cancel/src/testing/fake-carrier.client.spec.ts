import type { CarrierCancelPort } from '../port';
import { MWS_REQUEST } from '../../test/support/client.fixture';
import { FakeCarrierClient } from './fake-carrier.client';

describe('FakeCarrierClient', () => {
  it('is a CarrierCancelPort answering scripts in order, the last step repeating, and records calls', async () => {
    const fake = new FakeCarrierClient();
    const port: CarrierCancelPort = fake;
    fake.onCancel(
      'mws-shipment-1',
      { kind: 'unknown', cause: 'timeout' },
      { kind: 'already_cancelled', requestId: 'r-2' },
    );
    expect(await port.cancel(MWS_REQUEST)).toMatchObject({
      kind: 'unknown',
      cause: 'timeout',
      api: 'amazon-mfn-mws',
      carrierShipmentId: 'mws-shipment-1',
      attempts: 1,
    });
    expect(await port.cancel(MWS_REQUEST)).toMatchObject({ kind: 'already_cancelled', requestId: 'r-2' });
    expect(await port.cancel(MWS_REQUEST)).toMatchObject({ kind: 'already_cancelled' });
    expect(fake.cancelCalls).toHaveLength(3);
  });

  it('falls back to the default outcome, matches predicates, and can throw or compute', async () => {
    const fake = new FakeCarrierClient()
      .onCancel((r) => r.sellerAccount === 'broken', new Error('boom'))
      .onCancel(
        (r) => r.carrierShipmentId === 'computed',
        (r) => ({
          kind: 'rejected',
          reason: 'not_found',
          api: r.api,
          carrierShipmentId: r.carrierShipmentId,
          attempts: 2,
          elapsedMs: 5,
        }),
      );
    expect(await fake.cancel({ ...MWS_REQUEST, carrierShipmentId: 'other' })).toMatchObject({
      kind: 'voided',
    });
    await expect(fake.cancel({ ...MWS_REQUEST, sellerAccount: 'broken' })).rejects.toThrow('boom');
    expect(await fake.cancel({ ...MWS_REQUEST, carrierShipmentId: 'computed' })).toMatchObject({
      kind: 'rejected',
      attempts: 2,
    });
    fake.defaultCancel = { kind: 'retry_later', cause: 'throttled', retryAfterMs: 1000 };
    expect(await fake.cancel(MWS_REQUEST)).toMatchObject({ kind: 'retry_later', retryAfterMs: 1000 });
  });

  it('scripts status() and nextTokenInMs()', async () => {
    const fake = new FakeCarrierClient().onStatus('mws-shipment-1', {
      kind: 'found',
      state: 'cancelled',
      rawStatus: 'PickupCancelled',
    });
    expect(await fake.status(MWS_REQUEST)).toMatchObject({ kind: 'found', state: 'cancelled' });
    expect(await fake.status({ ...MWS_REQUEST, carrierShipmentId: 'x' })).toEqual({ kind: 'unsupported' });
    expect(fake.nextTokenInMs(MWS_REQUEST)).toBe(0);
    fake.setNextTokenInMs((r) => (r.sellerAccount === 'seller-1' ? 200 : 0));
    expect(fake.nextTokenInMs(MWS_REQUEST)).toBe(200);
    expect(fake.statusCalls).toHaveLength(2);
  });
});
