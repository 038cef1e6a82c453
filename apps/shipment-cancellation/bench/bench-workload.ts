// The three scenarios of issue 7 and the orders they cancel: shipments seeded at the sandbox, ShipmentPurchased
// for each, then OrderCancelled. One workload per scenario, replayed against every system under test.
import { EventTypes, type ShipmentPurchased, createEvent } from '@oms/events';
import { Prng } from '../test/support/prng';

export type ScenarioId = 'a' | 'b' | 'c';
type Api = ShipmentPurchased['carrier'];

export interface Scenario {
  id: ScenarioId;
  title: string;
  orders: number;
  /** Share of orders with one shipment, several (2–4) and none. */
  mix: { single: number; several: number; none: number };
  api: Api;
  latencyMs: number;
  /** The carrier's allowance (null: unlimited) — both the sandbox's buckets and the client's configuration. */
  limit: { ratePerSecond: number; burst: number } | null;
  /** A steady 200 orders/s phase after the backlog, for the latency target. */
  steady: boolean;
}

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  a: {
    id: 'a',
    title: 'a) sandbox 0 ms, no limit',
    orders: 20_000,
    mix: { single: 0.7, several: 0.25, none: 0.05 },
    api: 'amazon-shipping-v2',
    latencyMs: 0,
    limit: null,
    steady: true,
  },
  b: {
    id: 'b',
    title: 'b) sandbox 150 ms, Shipping v2 80/s burst 100',
    orders: 5_000,
    mix: { single: 1, several: 0, none: 0 },
    api: 'amazon-shipping-v2',
    latencyMs: 150,
    limit: { ratePerSecond: 80, burst: 100 },
    steady: false,
  },
  c: {
    id: 'c',
    title: 'c) MWS bridge 5/s burst 10',
    orders: 1_000,
    mix: { single: 1, several: 0, none: 0 },
    api: 'amazon-mfn-mws',
    latencyMs: 0,
    limit: { ratePerSecond: 5, burst: 10 },
    steady: false,
  },
};

// "No limit": the sandbox still reports x-amzn-RateLimit-Limit, and the client lowers its own bucket to what
// Amazon reports, so "off" must be a limit far above anything reachable rather than no limit at all.
export const UNLIMITED = { ratePerSecond: 1_000_000, burst: 1_000_000 };

export interface BenchShipment {
  shipmentId: string;
  carrierShipmentId: string;
  api: Api;
}

export interface BenchOrder {
  orderId: string;
  shipments: BenchShipment[];
  /** The seller account whose quota the order's cancels spend (scenarios a–c: SELLER). */
  sellerAccount?: string;
}

export interface Workload {
  scenario: Scenario;
  drain: BenchOrder[];
  steady: BenchOrder[];
}

export const SELLER = 'seller-bench';
const REGION: Record<Api, { businessId?: string; marketplaceId?: string }> = {
  'amazon-shipping-v2': { businessId: 'AmazonShipping_US' },
  'amazon-mfn-mws': { marketplaceId: 'ATVPDKIKX0DER' },
  'amazon-mfn-v0': { marketplaceId: 'ATVPDKIKX0DER' },
};

export function buildWorkload(
  scenario: Scenario,
  orders: number,
  steadyOrders: number,
  seed: string,
): Workload {
  const rng = new Prng(`${seed}/${scenario.id}`);
  let serial = 0;
  const make = (prefix: string, count: number): BenchOrder[] =>
    Array.from({ length: count }, (_, i) => {
      const roll = rng.next();
      const { single, several } = scenario.mix;
      const n = roll < single ? 1 : roll < single + several ? rng.int(2, 4) : 0;
      const orderId = `${prefix}-${seed}-${String(i).padStart(6, '0')}`;
      const shipments = Array.from({ length: n }, (_, k) => {
        serial += 1;
        const carrierShipmentId =
          scenario.api === 'amazon-shipping-v2' ? String(90_000_000_000_000 + serial) : rng.uuid();
        return { shipmentId: `${orderId}-s${k + 1}`, carrierShipmentId, api: scenario.api };
      });
      return { orderId, shipments };
    });
  return { scenario, drain: make(`b${scenario.id}`, orders), steady: make(`s${scenario.id}`, steadyOrders) };
}

export function allOrders(workload: Workload): BenchOrder[] {
  return [...workload.drain, ...workload.steady];
}

/** The body of POST /__sandbox/shipments for one shipment. */
export function sandboxSeed(order: BenchOrder, shipment: BenchShipment): Record<string, unknown> {
  return {
    api: shipment.api,
    carrierShipmentId: shipment.carrierShipmentId,
    orderId: order.orderId,
    sellerAccount: order.sellerAccount ?? SELLER,
    ...REGION[shipment.api],
    labelCost: { amount: '4.99', currency: 'USD' },
  };
}

export function purchasedMessage(order: BenchOrder, shipment: BenchShipment): { key: string; value: string } {
  const now = new Date().toISOString();
  const data: ShipmentPurchased = {
    schemaVersion: 1,
    orderId: order.orderId,
    shipmentId: shipment.shipmentId,
    carrier: shipment.api,
    carrierShipmentId: shipment.carrierShipmentId,
    ...REGION[shipment.api],
    sellerAccount: order.sellerAccount ?? SELLER,
    labelCost: { amount: '4.99', currency: 'USD' },
    purchasedAt: now,
    cancelWindowEndsAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
  };
  return {
    key: order.orderId,
    value: JSON.stringify(createEvent(EventTypes.shipmentPurchased, data, { source: '/oms/bench' })),
  };
}

export function cancelledMessage(order: BenchOrder): { key: string; value: string } {
  const data = {
    schemaVersion: 1 as const,
    orderId: order.orderId,
    reason: 'bench',
    cancelledAt: new Date().toISOString(),
    requestedBy: 'bench',
  };
  return {
    key: order.orderId,
    value: JSON.stringify(createEvent(EventTypes.orderCancelled, data, { source: '/oms/bench' })),
  };
}
