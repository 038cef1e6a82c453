import { CancellationService } from './cancellation.service';
import { Counters } from './counters';
import { defaultSettings } from './sandbox-settings';
import { parseSeedShipment } from './shipment-seed';

const T0 = Date.parse('2026-03-01T12:00:00Z');

function shipment(input: Record<string, unknown>) {
  return parseSeedShipment({ orderId: 'o', sellerAccount: 's', ...input }, 'shipment', T0, () => false);
}

describe('CancellationService', () => {
  const counters = new Counters();
  const service = new CancellationService(
    counters,
    () => defaultSettings({ mfnRefundDelayMs: 1_000, mfnRefundRejectionDelayMs: 5_000 }),
    7,
  );

  it('voids a v2 shipment at once, and only once', () => {
    const s = shipment({ api: 'amazon-shipping-v2', businessId: 'AmazonShipping_UK' });
    expect(service.cancel(s, T0 + 1)).toEqual({ kind: 'voided' });
    expect(s.status).toBe('Voided');
    expect(service.cancel(s, T0 + 2)).toEqual({ kind: 'alreadyCancelled' });
  });

  it('resolves an MFN refund lazily, at the decision time rather than the read time', () => {
    const s = shipment({ api: 'amazon-mfn-mws', marketplaceId: 'ATVPDKIKX0DER' });
    expect(service.cancel(s, T0)).toEqual({ kind: 'refundPending' });
    service.refresh(s, T0 + 999);
    expect(s.status).toBe('RefundPending');
    service.refresh(s, T0 + 60_000);
    expect(s.status).toBe('RefundApplied');
    expect(s.lastUpdatedAt).toBe(T0 + 1_000);
  });

  it('uses the rejection delay for rejected refunds', () => {
    const s = shipment({
      api: 'amazon-mfn-v0',
      marketplaceId: 'ATVPDKIKX0DER',
      carrierShipmentId: '11111111-1111-4111-8111-111111111111',
      forceRefundResult: 'RefundRejected',
    });
    service.cancel(s, T0);
    service.refresh(s, T0 + 4_999);
    expect(s.status).toBe('RefundPending');
    service.refresh(s, T0 + 5_000);
    expect(s.status).toBe('RefundRejected');
  });

  it('applies the MWS-only rules: supported marketplaces, window refused up front', () => {
    const fr = shipment({ api: 'amazon-mfn-mws', marketplaceId: 'A13V1IB3VIYZZH' });
    expect(service.cancel(fr, T0)).toEqual({ kind: 'unsupportedMarketplace' });
    const late = shipment({
      api: 'amazon-mfn-mws',
      marketplaceId: 'A1PA6795UKMFR9',
      cancelWindowEndsAt: new Date(T0 - 1).toISOString(),
    });
    expect(service.cancel(late, T0)).toEqual({ kind: 'windowExpired' });
    expect(late.status).toBe('Purchased');
  });
});
