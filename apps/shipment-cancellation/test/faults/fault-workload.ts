// The fault run's workload, drawn from a seed: orders of every shape (one shipment, several, none, a late
// ShipmentPurchased, an expired cancel window), control orders never cancelled, duplicates (same event id
// re-sent, and a new id for the same order) and poison messages, laid out as one publishing stream.
import { EventTypes, type ShipmentPurchased, createEvent } from '@oms/events';
import { Prng } from '../support/prng';

export type Api = ShipmentPurchased['carrier'];
export type OrderKind = 'single' | 'multi' | 'none' | 'late' | 'expired' | 'control';

export interface FaultShipment {
  shipmentId: string;
  carrierShipmentId: string;
  api: Api;
  sellerAccount: string;
  /** Purchased after the order was cancelled (published after its OrderCancelled). */
  late: boolean;
  windowExpired: boolean;
  /** MFN v0 only: how the carrier will decide the refund. */
  refund?: 'RefundApplied' | 'RefundRejected';
}

export interface FaultOrder {
  orderId: string;
  kind: OrderKind;
  shipments: FaultShipment[];
}

export type StreamKind =
  'purchase' | 'order_cancelled' | 'duplicate_same_id' | 'duplicate_new_id' | 'late_purchase' | 'poison';

export interface StreamItem {
  kind: StreamKind;
  topic: 'orderCancelled' | 'shipmentPurchased';
  key: string | null;
  value: Buffer;
  orderId?: string;
  eventId?: string;
  /** Poison only: what is wrong with it. */
  poison?: string;
}

export interface Workload {
  seed: string;
  orders: FaultOrder[];
  /** ShipmentPurchased published before the stream starts (every shipment that is not late). */
  purchases: StreamItem[];
  stream: StreamItem[];
}

const ACCOUNTS: Record<Api, number> = { 'amazon-shipping-v2': 4, 'amazon-mfn-mws': 10, 'amazon-mfn-v0': 8 };
const REGION: Record<Api, { businessId?: string; marketplaceId?: string }> = {
  'amazon-shipping-v2': { businessId: 'AmazonShipping_US' },
  'amazon-mfn-mws': { marketplaceId: 'ATVPDKIKX0DER' },
  'amazon-mfn-v0': { marketplaceId: 'ATVPDKIKX0DER' },
};
const SOURCE = '/oms/fault-run';
const DAY = 24 * 3600_000;

/** Every seller account the workload uses. */
export function sellerAccounts(workload: { orders: FaultOrder[] }): string[] {
  return [...new Set(workload.orders.flatMap((o) => o.shipments.map((s) => s.sellerAccount)))].sort();
}

export function buildWorkload(seed: string, orderCount: number): Workload {
  const rng = new Prng(`faults/${seed}`);
  const orders: FaultOrder[] = [];
  let serial = 0;
  const shipment = (
    orderId: string,
    index: number,
    options: { late?: boolean; expired?: boolean; api?: Api } = {},
  ): FaultShipment => {
    const roll = rng.next();
    // MFN v0 stays rare: 1 call/s per account, and an RDT per shipment and method (Tokens API: 1/s per seller).
    const api: Api =
      options.api ?? (roll < 0.8 ? 'amazon-shipping-v2' : roll < 0.98 ? 'amazon-mfn-mws' : 'amazon-mfn-v0');
    serial += 1;
    const s: FaultShipment = {
      shipmentId: `${orderId}-s${index + 1}`,
      carrierShipmentId: api === 'amazon-shipping-v2' ? String(70_000_000_000_000 + serial) : rng.uuid(),
      api,
      sellerAccount: `seller-${api.slice(7)}-${rng.int(0, ACCOUNTS[api] - 1)}`,
      late: options.late ?? false,
      windowExpired: options.expired ?? false,
    };
    if (api === 'amazon-mfn-v0') s.refund = rng.chance(0.25) ? 'RefundRejected' : 'RefundApplied';
    return s;
  };
  for (let i = 0; i < orderCount; i++) {
    const orderId = `f${seed}-${String(i).padStart(6, '0')}`;
    const roll = rng.next();
    const kind: OrderKind =
      roll < 0.58 ? 'single' : roll < 0.8 ? 'multi' : roll < 0.88 ? 'none' : roll < 0.96 ? 'late' : 'expired';
    const count =
      kind === 'single' ? 1 : kind === 'multi' ? rng.int(2, 4) : kind === 'late' ? rng.int(0, 2) : 0;
    const shipments = Array.from({ length: count }, (_, k) => shipment(orderId, k));
    if (kind === 'late') shipments.push(shipment(orderId, count, { late: true }));
    if (kind === 'expired')
      shipments.push(
        shipment(orderId, 0, {
          expired: true,
          api: rng.chance(0.7) ? 'amazon-shipping-v2' : 'amazon-mfn-mws',
        }),
      );
    orders.push({ orderId, kind, shipments });
  }
  // Control orders: purchased, never cancelled. Any output or carrier cancel for them has no input behind it.
  for (let i = 0; i < Math.max(1, Math.round(orderCount * 0.02)); i++) {
    const orderId = `f${seed}-control-${String(i).padStart(5, '0')}`;
    orders.push({ orderId, kind: 'control', shipments: [shipment(orderId, 0)] });
  }

  const purchases = orders.flatMap((o) =>
    o.shipments.filter((s) => !s.late).map((s) => purchaseItem(o, s, 'purchase')),
  );
  return { seed, orders, purchases, stream: buildStream(rng, orders) };
}

function buildStream(rng: Prng, orders: FaultOrder[]): StreamItem[] {
  const cancelled = rng.shuffle(orders.filter((o) => o.kind !== 'control'));
  const stream: Array<StreamItem | undefined> = [];
  const insertAfter = (position: number, item: StreamItem) => {
    // Sparse slots keep later inserts from shifting earlier ones: item i owns slots i*8 .. i*8+7.
    let slot = position * 8 + 1;
    while (stream[slot] !== undefined || slot % 8 === 0) slot += 1;
    stream[slot] = item;
  };
  // Originals first, so no insert can take an original's slot.
  const originals = cancelled.map((order, i) => (stream[i * 8] = orderCancelledItem(order.orderId)));
  cancelled.forEach((order, i) => {
    const later = (min: number, max: number) => Math.min(cancelled.length - 1, i + rng.int(min, max));
    // 10% duplicates: 7% the very same message again, 3% the same order under a new event id.
    if (rng.chance(0.07))
      insertAfter(later(0, 400), { ...(originals[i] as StreamItem), kind: 'duplicate_same_id' });
    if (rng.chance(0.03))
      insertAfter(later(0, 400), { ...orderCancelledItem(order.orderId), kind: 'duplicate_new_id' });
    for (const s of order.shipments.filter((x) => x.late))
      insertAfter(later(5, 300), purchaseItem(order, s, 'late_purchase'));
  });
  const poisonCount = Math.max(3, Math.round(cancelled.length * 0.011));
  for (let p = 0; p < poisonCount; p++)
    insertAfter(rng.int(0, cancelled.length - 1), poisonItem(rng, p, cancelled));
  return stream.filter((item): item is StreamItem => item !== undefined);
}

function orderCancelledItem(orderId: string): StreamItem {
  const data = {
    schemaVersion: 1 as const,
    orderId,
    reason: 'fault-run',
    cancelledAt: new Date().toISOString(),
    requestedBy: 'fault-run',
  };
  const event = createEvent(EventTypes.orderCancelled, data, { source: SOURCE });
  return {
    kind: 'order_cancelled',
    topic: 'orderCancelled',
    key: orderId,
    value: Buffer.from(JSON.stringify(event)),
    orderId,
    eventId: event.id,
  };
}

export function purchasedData(order: FaultOrder, s: FaultShipment): ShipmentPurchased {
  const purchasedAt = Date.now() - (s.windowExpired ? 2 * DAY : 0);
  return {
    schemaVersion: 1,
    orderId: order.orderId,
    shipmentId: s.shipmentId,
    carrier: s.api,
    carrierShipmentId: s.carrierShipmentId,
    ...REGION[s.api],
    sellerAccount: s.sellerAccount,
    labelCost: { amount: '5.25', currency: 'USD' },
    purchasedAt: new Date(purchasedAt).toISOString(),
    cancelWindowEndsAt: new Date(purchasedAt + DAY).toISOString(),
  };
}

function purchaseItem(order: FaultOrder, s: FaultShipment, kind: StreamKind): StreamItem {
  const event = createEvent(EventTypes.shipmentPurchased, purchasedData(order, s), { source: SOURCE });
  return {
    kind,
    topic: 'shipmentPurchased',
    key: order.orderId,
    value: Buffer.from(JSON.stringify(event)),
    orderId: order.orderId,
    eventId: event.id,
  };
}

/** The sandbox seed of a shipment: the label exists at the carrier before anyone hears of it. */
export function sandboxSeed(order: FaultOrder, s: FaultShipment): Record<string, unknown> {
  const data = purchasedData(order, s);
  return {
    api: s.api,
    carrierShipmentId: s.carrierShipmentId,
    orderId: order.orderId,
    sellerAccount: s.sellerAccount,
    ...REGION[s.api],
    labelCost: data.labelCost,
    purchasedAt: data.purchasedAt,
    cancelWindowEndsAt: data.cancelWindowEndsAt,
    ...(s.refund ? { forceRefundResult: s.refund } : {}),
  };
}

// Each poison message carries a nonce, so the checker finds it in the topic and in the DLQ by its bytes.
function poisonItem(rng: Prng, index: number, orders: FaultOrder[]): StreamItem {
  const nonce = `poison-${index}-${rng.uuid()}`;
  const key = rng.chance(0.2) ? null : rng.chance(0.5) ? rng.pick(orders).orderId : `junk-${index}`;
  const topic = rng.chance(0.1) ? 'shipmentPurchased' : 'orderCancelled';
  const valid = createEvent(
    EventTypes.orderCancelled,
    { schemaVersion: 1, orderId: `junk-${index}`, cancelledAt: new Date().toISOString() },
    { source: SOURCE },
  );
  const variants: Array<[string, Buffer]> = [
    ['not_json', Buffer.from(`{"truncated": "${nonce}`)],
    ['binary', Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x81]), Buffer.from(nonce)])],
    ['no_envelope', Buffer.from(JSON.stringify({ orderId: `junk-${index}`, nonce }))],
    [
      'schema_invalid',
      Buffer.from(JSON.stringify({ ...valid, data: { schemaVersion: 1, cancelledAt: 'yesterday', nonce } })),
    ],
    ['wrong_type', Buffer.from(JSON.stringify({ ...valid, type: 'oms.order.refunded', nonce }))],
    ['empty_object', Buffer.from(JSON.stringify({ nonce }))],
  ];
  const [poison, value] = variants[index % variants.length] as [string, Buffer];
  return { kind: 'poison', topic, key, value, poison };
}
