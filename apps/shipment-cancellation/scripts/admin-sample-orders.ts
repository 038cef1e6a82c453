// Buys labels for three fresh orders at the carrier sandbox and tells the service (ShipmentPurchased), without
// cancelling anything, so the admin API's curl examples (the README, Operating the service) have orders to act on:
//   eval "$(SWC_NODE_PROJECT=apps/shipment-cancellation/tsconfig.json \
//     node -r @swc-node/register apps/shipment-cancellation/scripts/admin-sample-orders.ts)"
// Prints shell assignments (ORDER, SHIPMENT, SINGLE_ORDER, LATE_ORDER) on stdout; progress goes to stderr.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EventTypes, createEvent } from '@oms/events';
import { loadConfig } from '../src/platform/config/config';
import { type SandboxShipment, shipmentPurchasedFrom } from './sandbox-shipments';

const config = loadConfig();
const sandboxUrl = process.env['CARRIER_BASE_URL'] ?? config.carrier.mwsBridge;
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function main(): Promise<void> {
  const tag = randomUUID().slice(0, 4).toUpperCase();
  const orders = {
    multi: `ADMIN-DEMO-${tag}-MULTI`,
    single: `ADMIN-DEMO-${tag}-SINGLE`,
    late: `ADMIN-DEMO-${tag}-LATE`,
  };
  const v2 = { api: 'amazon-shipping-v2', sellerAccount: 'seller-na-1', businessId: 'AmazonShipping_US' };
  const response = await fetch(`${sandboxUrl}/__sandbox/shipments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { ...v2, orderId: orders.multi },
      { ...v2, orderId: orders.multi },
      { ...v2, orderId: orders.single },
      // Past its window: the carrier refuses, which gives a failed cancellation to retry.
      { ...v2, orderId: orders.late, purchasedAt: hours(-30), cancelWindowEndsAt: hours(-6) },
    ]),
  }).catch(() => {
    throw new Error(
      `the carrier sandbox does not answer at ${sandboxUrl}: start the stack with 'npm start' first`,
    );
  });
  if (!response.ok) throw new Error(`the sandbox answered ${response.status}: ${await response.text()}`);
  const { shipments } = (await response.json()) as { shipments: SandboxShipment[] };

  const kafka = new Kafka({
    clientId: 'oms-admin-samples',
    brokers: config.kafka.brokers,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // Our shipment ids, numbered within each order: ADMIN-DEMO-…-MULTI-S1, -S2.
  const shipmentIds = shipments.map(
    (s, i) => `${s.orderId}-S${shipments.slice(0, i + 1).filter((o) => o.orderId === s.orderId).length}`,
  );
  await producer.send({
    topic: config.topics.shipmentPurchased,
    acks: -1,
    messages: shipments.map((s, i) => {
      const data = shipmentPurchasedFrom(s, shipmentIds[i] as string);
      const event = createEvent(EventTypes.shipmentPurchased, data, { source: '/oms/admin-samples' });
      return { key: s.orderId, value: JSON.stringify(event) };
    }),
  });
  await producer.disconnect();
  // The service projects them within a moment; give it that moment so the next command finds them.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  console.error(`published ${shipments.length} ShipmentPurchased for ${Object.values(orders).join(', ')}`);
  console.log(`ORDER=${orders.multi}`);
  console.log(`SHIPMENT=${shipmentIds[0]}`);
  console.log(`SINGLE_ORDER=${orders.single}`);
  console.log(`LATE_ORDER=${orders.late}`);
}

main().catch((error: unknown) => {
  console.error(`admin-sample-orders failed: ${(error as Error).message}`);
  process.exit(1);
});
