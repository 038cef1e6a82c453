// `npm run demo`: publishes OrderCancelled for the sandbox's demo orders and shows the resulting events live,
// one line per event. Each run copies the demo dataset under fresh order ids, so it can be run again and
// again against the same stack.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  type AnyEvent,
  type DeadLetterRecord,
  EventTypes,
  type ManualReshipRequired,
  type ShipmentCancellationFailed,
  type ShipmentCancelled,
  createEvent,
} from '@oms/events';
import { loadConfig } from '../src/platform/config/config';
import { type SandboxShipment, shipmentPurchasedFrom } from './sandbox-shipments';

const config = loadConfig();
const sandboxUrl = process.env['CARRIER_BASE_URL'] ?? config.carrier.mwsBridge;
const tag = randomUUID().slice(0, 4).toUpperCase();
const c = process.stdout.isTTY
  ? {
      dim: '\x1b[2m',
      bold: '\x1b[1m',
      green: '\x1b[32m',
      yellow: '\x1b[33m',
      red: '\x1b[31m',
      off: '\x1b[0m',
    }
  : { dim: '', bold: '', green: '', yellow: '', red: '', off: '' };

async function sandbox<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandboxUrl}/__sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch(() => {
    throw new Error(
      `the carrier sandbox does not answer at ${sandboxUrl}: start the stack with 'npm start' first`,
    );
  });
  if (!response.ok)
    throw new Error(`sandbox ${method} ${path} answered ${response.status}: ${await response.text()}`);
  const json = (await response.json()) as T | { shipments: T };
  return (typeof json === 'object' && json !== null && 'shipments' in json ? json.shipments : json) as T;
}

function describe(event: AnyEvent): string {
  const time = new Date(event.time).toISOString().slice(11, 23);
  const head = `${c.dim}${time}${c.off} ${c.bold}${event.data && 'orderId' in event.data ? String(event.data.orderId) : ''}${c.off}`;
  switch (event.type) {
    case EventTypes.shipmentCancelled: {
      const d = event.data as ShipmentCancelled;
      const colour = d.final ? c.green : c.yellow;
      return `${head}  ${colour}ShipmentCancelled${c.off}  ${d.shipmentId} via ${d.carrier.api}: ${d.outcome}${d.final ? '' : ' (refund pending, follow-up running)'}, reship ${d.reshipEligible ? 'allowed' : 'not allowed'}, label refund ${d.labelRefund.amount} ${d.labelRefund.currency} ${d.labelRefund.status}`;
    }
    case EventTypes.manualReshipRequired: {
      const d = event.data as ManualReshipRequired;
      return `${head}  ${c.yellow}ManualReshipRequired${c.off}  ${d.shipmentCount} shipments (${d.shipments.map((s) => `${s.shipmentId}: ${s.outcome}`).join(', ')}) — a person must reship`;
    }
    case EventTypes.shipmentCancellationFailed: {
      const d = event.data as ShipmentCancellationFailed;
      return `${head}  ${c.red}ShipmentCancellationFailed${c.off}  ${d.shipmentId} via ${d.carrier.api}: ${d.reason}${d.carrier.errorCode ? ` (${d.carrier.errorCode})` : ''}${d.requiresManualAction ? ', a person must act' : ''}`;
    }
    case EventTypes.deadLetter: {
      const d = event.data as DeadLetterRecord;
      return `${head}  ${c.red}dead letter${c.off}  ${d.error.kind}: ${d.error.message}`;
    }
    default:
      return `${head}  ${event.type}`;
  }
}

async function main(): Promise<void> {
  const dataset = (await sandbox<SandboxShipment[]>('GET', 'shipments')).filter(
    (s) => s.orderId.startsWith('DEMO-ORD-') && !s.orderId.includes('-RUN'),
  );
  if (dataset.length === 0)
    throw new Error('the sandbox has no demo dataset: start it with SANDBOX_SEED_DEMO=true (npm start does)');
  const copies = await sandbox<SandboxShipment[]>(
    'POST',
    'shipments',
    dataset.map((s) => {
      const { carrierShipmentId: _id, trackingId: _t, ...rest } = s;
      return { ...rest, orderId: `${s.orderId}-RUN${tag}` };
    }),
  );
  const orders = [...new Set(copies.map((s) => s.orderId))].sort();
  console.log(
    `${c.bold}demo run ${tag}${c.off}: ${orders.length} orders, ${copies.length} shipments (one and several per order, some past their window)\n`,
  );

  const kafka = new Kafka({
    clientId: 'oms-demo',
    brokers: config.kafka.brokers,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `oms-demo-${tag}` });
  await consumer.connect();
  const t = config.topics;
  await consumer.subscribe({
    topics: [t.shipmentCancelled, t.manualReshipRequired, t.shipmentCancellationFailed],
    fromBeginning: false,
  });
  const seen = new Map<string, number>();
  let last = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as AnyEvent;
      const orderId = message.key?.toString('utf8') ?? '';
      if (!orders.includes(orderId)) return;
      seen.set(orderId, (seen.get(orderId) ?? 0) + 1);
      last = Date.now();
      console.log(describe(event));
    },
  });
  // Let the consumer join before anything is published, so no event is missed.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const purchased = copies.map((s, i) => {
    const data = shipmentPurchasedFrom(s, `${s.orderId}-S${i + 1}`);
    return {
      key: s.orderId,
      value: JSON.stringify(createEvent(EventTypes.shipmentPurchased, data, { source: '/oms/demo' })),
    };
  });
  await producer.send({ topic: t.shipmentPurchased, acks: -1, messages: purchased });
  console.log(`${c.dim}published ${purchased.length} ShipmentPurchased; cancelling the orders…${c.off}\n`);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await producer.send({
    topic: t.orderCancelled,
    acks: -1,
    messages: orders.map((orderId) => ({
      key: orderId,
      value: JSON.stringify(
        createEvent(
          EventTypes.orderCancelled,
          {
            schemaVersion: 1,
            orderId,
            reason: 'customer_request',
            cancelledAt: new Date().toISOString(),
            requestedBy: 'demo',
          },
          { source: '/oms/demo' },
        ),
      ),
    })),
  });

  // Show events until things go quiet (MFN refunds settle a few seconds after the cancel).
  last = Date.now();
  while (Date.now() - last < 8_000) await new Promise((resolve) => setTimeout(resolve, 250));
  const silent = orders.filter((o) => !seen.has(o));
  console.log(
    `\n${seen.size} orders produced events${silent.length ? `; no events for ${silent.join(', ')} (orders whose shipments were all inactive already publish nothing)` : ''}.`,
  );
  await producer.disconnect();
  await consumer.disconnect();
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
