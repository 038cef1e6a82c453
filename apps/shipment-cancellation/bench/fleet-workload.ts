// Scenarios d–f of issue 23: our service alone, as several instances, against the carrier's per-seller quotas.
// Each scenario is a sequence of phases run on one set of topics, one database and one fleet of instances, so
// that a kill or a join happens to a fleet that is already draining, and no phase waits for topics to go.
import type { ShipmentPurchased } from '@oms/events';
import { Prng } from '../test/support/prng';
import type { BenchOrder } from './bench-workload';

export type FleetScenarioId = 'd' | 'e' | 'f';
type Api = ShipmentPurchased['carrier'];

export interface Limit {
  ratePerSecond: number;
  burst: number;
}

/**
 * A change to the fleet while a phase drains: after this share of the phase's shortest possible drain (at
 * least 1 s) from its first order published, so that `--orders` moves it with the phase.
 */
export interface FleetEvent {
  kind: 'kill' | 'join';
  atShareOfMinimum: number;
}

export interface FleetPhase {
  name: string;
  api: Api;
  /** Orders per seller account (one shipment each). */
  sellers: Array<{ sellerAccount: string; orders: number }>;
  /** Instances the phase starts with: more are started, extra ones stopped, before it begins. */
  instances: number;
  event?: FleetEvent;
}

export interface FleetScenario {
  id: FleetScenarioId;
  title: string;
  /** The figure `--orders` scales (phases keep their proportions). */
  orders: number;
  latencyMs: number;
  /** Per API: the sandbox's bucket for every seller, and the service's configured rate. */
  limits: Partial<Record<Api, Limit>>;
  phases: FleetPhase[];
}

const seller = (prefix: string, i: number) => `${prefix}-${String(i + 1).padStart(4, '0')}`;

function oneSeller(orders: number): FleetPhase['sellers'] {
  return [{ sellerAccount: 'seller-d', orders }];
}

/** d) 3 instances, one seller, Shipping v2 at 80/s burst 100: undisturbed, one killed, one joining; then MFN v0. */
function scenarioD(orders: number): FleetScenario {
  const part = (share: number) => Math.max(10, Math.round(orders * share));
  return {
    id: 'd',
    title: 'd) 3 instances, one seller, Shipping v2 80/s burst 100, 150 ms',
    orders,
    latencyMs: 150,
    limits: {
      'amazon-shipping-v2': { ratePerSecond: 80, burst: 100 },
      'amazon-mfn-v0': { ratePerSecond: 1, burst: 1 },
    },
    phases: [
      { name: '3 instances', api: 'amazon-shipping-v2', sellers: oneSeller(part(0.3)), instances: 3 },
      // Killed 6 s in (at 5,000 orders): the dead instance holds leases on work it has not sent yet.
      {
        name: 'one SIGKILLed',
        api: 'amazon-shipping-v2',
        sellers: oneSeller(part(0.4)),
        instances: 3,
        event: { kind: 'kill', atShareOfMinimum: 0.25 },
      },
      {
        name: 'one joins',
        api: 'amazon-shipping-v2',
        sellers: oneSeller(part(0.3)),
        instances: 2,
        event: { kind: 'join', atShareOfMinimum: 0.15 },
      },
      {
        name: 'MFN v0 1/s burst 1',
        api: 'amazon-mfn-v0',
        sellers: oneSeller(Math.max(10, Math.round((60 * orders) / 5_000))),
        instances: 3,
      },
    ],
  };
}

/** e) 20 sellers at 20/s burst 20 each, half the orders on 2 of them; 1 instance, then 2. */
function scenarioE(orders: number): FleetScenario {
  const sellers = (prefix: string): FleetPhase['sellers'] => {
    const heavy = Math.round(orders / 4);
    const light = Math.floor((orders - 2 * heavy) / 18);
    const rest = orders - 2 * heavy - 18 * light;
    return Array.from({ length: 20 }, (_, i) => ({
      sellerAccount: seller(prefix, i),
      orders: i < 2 ? heavy : light + (i - 2 < rest ? 1 : 0),
    }));
  };
  return {
    id: 'e',
    title: 'e) 20 sellers, Shipping v2 20/s burst 20 each (400/s), 150 ms, half the orders on 2 sellers',
    orders,
    latencyMs: 150,
    limits: { 'amazon-shipping-v2': { ratePerSecond: 20, burst: 20 } },
    phases: [
      { name: '1 instance', api: 'amazon-shipping-v2', sellers: sellers('seller-e1'), instances: 1 },
      { name: '2 instances', api: 'amazon-shipping-v2', sellers: sellers('seller-e2'), instances: 2 },
    ],
  };
}

/** f) the same number of orders as a deep backlog on 20 sellers and as a shallow one on 1,000 (0 ms carrier). */
function scenarioF(orders: number): FleetScenario {
  const wide = Math.max(1, Math.round(orders / 6));
  return {
    id: 'f',
    title: 'f) deep backlog per seller: 20 sellers × many vs 1,000 sellers × 6, 0 ms, 80/s burst 100 each',
    orders,
    latencyMs: 0,
    limits: { 'amazon-shipping-v2': { ratePerSecond: 80, burst: 100 } },
    phases: [
      {
        name: `${wide.toLocaleString('en')} sellers × 6`,
        api: 'amazon-shipping-v2',
        sellers: Array.from({ length: wide }, (_, i) => ({
          sellerAccount: seller('seller-fw', i),
          orders: 6,
        })),
        instances: 1,
      },
      {
        name: `20 sellers × ${Math.round(orders / 20)}`,
        api: 'amazon-shipping-v2',
        sellers: Array.from({ length: 20 }, (_, i) => ({
          sellerAccount: seller('seller-fd', i),
          orders: Math.max(1, Math.round(orders / 20)),
        })),
        instances: 1,
      },
    ],
  };
}

export const FLEET_SCENARIOS: Record<
  FleetScenarioId,
  { title: string; orders: number; build: (orders: number) => FleetScenario }
> = {
  d: { title: scenarioD(5_000).title, orders: 5_000, build: scenarioD },
  e: { title: scenarioE(8_000).title, orders: 8_000, build: scenarioE },
  f: { title: scenarioF(6_000).title, orders: 6_000, build: scenarioF },
};

export function isFleetScenario(id: string): id is FleetScenarioId {
  return id in FLEET_SCENARIOS;
}

/**
 * The orders of every phase, one shipment each, the sellers' orders interleaved (as a platform's cancels
 * arrive); ids carry the phase so phases never share an order.
 */
export function buildFleetOrders(scenario: FleetScenario, seed: string): BenchOrder[][] {
  const rng = new Prng(`${seed}/${scenario.id}`);
  let serial = 0;
  return scenario.phases.map((phase, p) => {
    const orders: BenchOrder[] = phase.sellers.flatMap(({ sellerAccount, orders: n }) =>
      Array.from({ length: n }, () => {
        serial += 1;
        const orderId = `f${scenario.id}${p}-${seed}-${String(serial).padStart(6, '0')}`;
        const carrierShipmentId =
          phase.api === 'amazon-shipping-v2' ? String(91_000_000_000_000 + serial) : rng.uuid();
        return {
          orderId,
          sellerAccount,
          shipments: [{ shipmentId: `${orderId}-s1`, carrierShipmentId, api: phase.api }],
        };
      }),
    );
    return rng.shuffle(orders);
  });
}

/**
 * The shortest drain the quotas allow: each seller's orders beyond its burst at its rate, the slowest seller
 * bounding the phase (a 0 ms carrier with a quota no seller reaches gives 0: the machine bounds it).
 */
export function minimumDrainS(phase: FleetPhase, limit: Limit): number {
  return Math.max(0, ...phase.sellers.map((s) => Math.max(0, s.orders - limit.burst) / limit.ratePerSecond));
}
