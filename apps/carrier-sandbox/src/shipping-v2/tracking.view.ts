import { iso, Shipment } from '../state/shipment.model';

const COUNTRY_BY_BUSINESS: Record<string, [string, string]> = {
  AmazonShipping_US: ['US', '98109'],
  AmazonShipping_IN: ['IN', '560001'],
  AmazonShipping_UK: ['GB', 'EX33 2JL'],
  AmazonShipping_UAE: ['AE', '00000'],
  AmazonShipping_SA: ['SA', '11564'],
  AmazonShipping_EG: ['EG', '11511'],
  AmazonShipping_IT: ['IT', '20121'],
  AmazonShipping_ES: ['ES', '28001'],
  AmazonShipping_FR: ['FR', '75002'],
  AmazonShipping_JP: ['JP', '100-0001'],
};

interface TrackingEvent {
  eventCode: string;
  location: { countryCode: string; postalCode: string };
  eventTime: string;
  shipmentType: 'FORWARD';
}

/**
 * getTracking payload (GetTrackingResult): a voided shipment shows PickupCancelled; one past its
 * cancellation window has been picked up (InTransit); otherwise it waits for pickup (PreTransit).
 */
export function trackingPayload(s: Shipment, now: number): Record<string, unknown> {
  const [countryCode, postalCode] = COUNTRY_BY_BUSINESS[s.businessId ?? ''] ?? ['GB', 'EX33 2JL'];
  const event = (eventCode: string, at: number): TrackingEvent => ({
    eventCode,
    location: { countryCode, postalCode },
    eventTime: iso(at),
    shipmentType: 'FORWARD',
  });
  const eventHistory = [event('ReadyForReceive', s.purchasedAt)];
  let status: string;
  if (s.status === 'Voided') {
    eventHistory.push(event('PickupCancelled', s.cancelledAt ?? s.lastUpdatedAt));
    status = 'PickupCancelled';
  } else if (now > s.cancelWindowEndsAt) {
    eventHistory.push(event('PickupDone', s.cancelWindowEndsAt));
    status = 'InTransit';
  } else {
    status = 'PreTransit';
  }
  return {
    trackingId: s.trackingId,
    alternateLegTrackingId: '',
    eventHistory,
    promisedDeliveryDate: iso(s.purchasedAt + 3 * 24 * 3600_000),
    summary: { status, trackingDetailCodes: { forward: [], returns: [] } },
  };
}
