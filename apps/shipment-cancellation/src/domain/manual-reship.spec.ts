import { AWAITING_CARRIER } from './cancellation';
import {
  MANUAL_RESHIP_WAITS_WHILE,
  type OrderShipment,
  type RequestOwingManualReship,
  manualReships,
} from './manual-reship';

const request = (orderId: string, shipmentCount: number): RequestOwingManualReship => ({
  id: `req-${orderId}`,
  orderId,
  trigger: 'order_event',
  actor: 'oms',
  causationId: 'cause',
  correlationId: 'corr',
  shipmentCount,
  traceParent: `tp-${orderId}`,
});
const shipment = (orderId: string, n: number, over: Partial<OrderShipment> = {}): OrderShipment => ({
  orderId,
  shipmentId: `${orderId}-s${n}`,
  carrierShipmentId: `cs-${n}`,
  carrier: 'amazon-mfn-v0',
  state: 'voided',
  outcome: 'voided',
  failureReason: null,
  ...over,
});
const at = new Date('2026-01-02T03:04:05Z');

describe('ManualReshipRequired', () => {
  it('waits while a cancellation of the order awaits the carrier', () => {
    expect(MANUAL_RESHIP_WAITS_WHILE).toEqual(AWAITING_CARRIER);
  });

  it("lists each request's own order's shipments, and gives each event an id of its own", () => {
    let n = 0;
    const shipments = [
      shipment('o1', 1),
      shipment('o2', 1),
      shipment('o1', 2, { state: 'failed', outcome: null, failureReason: 'window_expired' }),
    ];
    const owed = manualReships([request('o1', 2), request('o2', 2)], shipments, at, () => `ev-${++n}`);
    expect(owed.map((m) => [m.requestId, m.orderId, m.eventId, m.traceParent])).toEqual([
      ['req-o1', 'o1', 'ev-1', 'tp-o1'],
      ['req-o2', 'o2', 'ev-2', 'tp-o2'],
    ]);
    expect(owed[0]?.data.shipments).toEqual([
      { shipmentId: 'o1-s1', carrierShipmentId: 'cs-1', carrier: 'amazon-mfn-v0', outcome: 'voided' },
      {
        shipmentId: 'o1-s2',
        carrierShipmentId: 'cs-2',
        carrier: 'amazon-mfn-v0',
        outcome: 'failed',
        failureReason: 'window_expired',
      },
    ]);
    expect(owed[0]?.data.requiredAt).toBe(at.toISOString());
    expect(owed[0]?.data.cancellationId).toBe('req-o1');
  });

  it('reports a shipment without a cancellation as already inactive, and the larger shipment count', () => {
    const shipments = [shipment('o1', 1), shipment('o1', 2, { state: null, outcome: null })];
    const [few] = manualReships([request('o1', 1)], shipments, at);
    expect(few?.data.shipments[1]?.outcome).toBe('skipped_already_inactive');
    expect(few?.data.shipmentCount).toBe(2);
    const [many] = manualReships([request('o1', 3)], shipments, at);
    expect(many?.data.shipmentCount).toBe(3);
    expect(many?.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the request reason and sequence 1, with a message that names no carrier API', () => {
    const shipments = [shipment('o1', 1, { carrier: 'amazon-shipping-v2' }), shipment('o1', 2)];
    const [owed] = manualReships([{ ...request('o1', 2), reason: 'fraud' }], shipments, at);
    expect(owed?.data).toMatchObject({ cancelReason: 'fraud', sequence: 1 });
    expect(owed?.data.message).toBe('Order o1 had 2 shipments; a person must arrange the new shipment.');
    const [unknown] = manualReships([request('o1', 2)], shipments, at);
    expect(unknown?.data.cancelReason).toBeNull();
  });
});
