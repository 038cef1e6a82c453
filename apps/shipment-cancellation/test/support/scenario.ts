// Builds orders the way production does: labels exist at the carrier (the sandbox), and ShipmentPurchased
// events tell the service about them.
import { EventTypes, type ShipmentPurchased } from '@oms/events';
import type { DataSource } from 'typeorm';
import type { TestKafka } from './kafka';
import { waitFor } from './ports';
import { shipmentPurchasedFrom } from '../../scripts/sandbox-shipments';
import type { SandboxProcess, SandboxShipment } from './sandbox';

export type ShipmentSpec = { api: SandboxShipment['api'] } & Record<string, unknown>;

const DEFAULT_REGION: Record<SandboxShipment['api'], Record<string, string>> = {
  'amazon-shipping-v2': { businessId: 'AmazonShipping_US' },
  'amazon-mfn-mws': { marketplaceId: 'ATVPDKIKX0DER' },
  'amazon-mfn-v0': { marketplaceId: 'ATVPDKIKX0DER' },
};

export function purchasedEvent(orderId: string, index: number, s: SandboxShipment): ShipmentPurchased {
  return shipmentPurchasedFrom({ ...s, orderId }, `${orderId}-s${index + 1}`);
}

/** Seeds the shipments at the carrier; publishes ShipmentPurchased for each unless `publish` is false. */
export async function purchase(
  env: { sandbox: SandboxProcess; kafka: TestKafka; db: DataSource },
  orderId: string,
  specs: ShipmentSpec[],
  publish = true,
): Promise<Array<{ seeded: SandboxShipment; event: ShipmentPurchased }>> {
  const seeded = await env.sandbox.seed(
    specs.map((s) => ({ orderId, sellerAccount: 'seller-1', ...DEFAULT_REGION[s.api], ...s })),
  );
  const shipments = seeded.map((s, i) => ({ seeded: s, event: purchasedEvent(orderId, i, s) }));
  if (publish) {
    for (const { event } of shipments) await env.kafka.publish(EventTypes.shipmentPurchased, event);
    await projected(env.db, orderId, shipments.length);
  }
  return shipments;
}

/** Waits until the service's projection holds `count` shipments of the order. */
export function projected(db: DataSource, orderId: string, count: number): Promise<true> {
  return waitFor(`${count} projected shipment(s) of ${orderId}`, async () => {
    const [row]: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM shipment WHERE order_id = $1`,
      [orderId],
    );
    return row?.n === count ? true : undefined;
  });
}

export function orderCancelled(orderId: string) {
  return {
    schemaVersion: 1 as const,
    orderId,
    reason: 'customer_request',
    cancelledAt: new Date().toISOString(),
    requestedBy: 'oms-platform',
  };
}
