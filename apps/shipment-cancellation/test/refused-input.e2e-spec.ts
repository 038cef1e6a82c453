// Inputs the database refuses (what they hold breaks a constraint) go to the DLQ without stopping their
// partition; a database failure (not the input's fault) stalls the partition, which shows, until it heals.
// Real broker, real Postgres: the refusal is planted as a CHECK constraint on the test database.
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import {
  createEvent,
  type DataFor,
  type DeadLetterRecord,
  type EventType,
  EventTypes,
  type ShipmentCancelled,
} from '@oms/events';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import { waitFor } from './support/ports';
import { orderCancelled, projected, purchase } from './support/scenario';

const REFUSED_SELLER = 'seller-refused-by-check';

describe('inputs the database refuses', () => {
  let stack: E2eStack;
  let producer: Producer;
  const env = () => ({ sandbox: stack.sandbox, kafka: stack.kafka, db: stack.db });
  const order = () => `refused-${randomUUID().slice(0, 8)}`;
  const deadLetters = () =>
    stack.kafka.received
      .filter((c) => c.topic === stack.config.topics.deadLetter)
      .map((c) => c.event.data as DeadLetterRecord);

  /** Sends one event to partition 0 of its topic, whatever its key: everything here shares a partition. */
  const send = async (topic: string, key: string, value: Buffer) => {
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value, partition: 0 }] });
    return meta?.baseOffset ?? '';
  };
  const purchased = (orderId: string, sellerAccount: string) =>
    Buffer.from(
      JSON.stringify(
        createEvent(
          EventTypes.shipmentPurchased,
          {
            schemaVersion: 1,
            orderId,
            shipmentId: `${orderId}-s1`,
            carrier: 'amazon-shipping-v2',
            carrierShipmentId: `c-${randomUUID()}`,
            businessId: 'AmazonShipping_US',
            sellerAccount,
            labelCost: { amount: '4.20', currency: 'USD' },
            purchasedAt: new Date().toISOString(),
          },
          { source: '/oms/test-platform' },
        ),
      ),
    );

  /** The bytes of an event as the platform would publish it. */
  const encoded = <K extends EventType>(type: K, data: DataFor<K>) =>
    Buffer.from(JSON.stringify(createEvent(type, data, { source: '/oms/test-platform' })));

  beforeAll(async () => {
    stack = await startE2eStack();
    producer = stack.kafka.kafka.producer();
    await producer.connect();
    await stack.db.query(
      `ALTER TABLE shipment ADD CONSTRAINT e2e_refused_seller CHECK (seller_account <> '${REFUSED_SELLER}') NOT VALID`,
    );
  });

  afterAll(async () => {
    await stack?.db.query(`ALTER TABLE shipment DROP CONSTRAINT IF EXISTS e2e_refused_seller`);
    await stack?.db.query(`ALTER TABLE IF EXISTS e2e_moved_inbox RENAME TO inbox_message`);
    await producer?.disconnect();
    await stack?.stop();
  });

  it('dead-letters the refused message with its bytes and the reason, and the partition moves on', async () => {
    const topic = stack.config.topics.shipmentPurchased;
    const good = order();
    const [shipment] = await purchase(env(), good, [{ api: 'amazon-shipping-v2' }], false);
    if (!shipment) throw new Error('no shipment seeded');
    const refused = purchased(order(), REFUSED_SELLER);
    const offset = await send(topic, 'any', refused);
    await send(topic, good, encoded(EventTypes.shipmentPurchased, shipment.event));
    await send(
      stack.config.topics.orderCancelled,
      good,
      encoded(EventTypes.orderCancelled, orderCancelled(good)),
    );

    const outputs = await stack.kafka.waitForOrder(good, (o) =>
      o.some((c) => c.event.type === EventTypes.shipmentCancelled),
    );
    expect((outputs[0]?.event.data as ShipmentCancelled).outcome).toBe('voided');
    const record = await waitFor('the dead letter', () =>
      deadLetters().find((d) => d.source.topic === topic && d.source.offset === offset),
    );
    expect(record).toMatchObject({
      source: { partition: 0, offset },
      error: { kind: 'store_rejected' },
    });
    expect(record.error.message).toContain('e2e_refused_seller');
    expect(record.error.message).toContain('SQLSTATE 23514');
    expect(Buffer.from(record.payload.base64 ?? '', 'base64')).toEqual(refused);
    const [row] = await stack.db.query(`SELECT payload, error_kind FROM dead_letter WHERE id = $1`, [
      record.deadLetterId,
    ]);
    expect(row).toMatchObject({ payload: refused, error_kind: 'store_rejected' });
  });

  it('isolates refused messages inside a large batch: each dead-lettered once, every other one applied', async () => {
    const topic = stack.config.topics.shipmentPurchased;
    const orders = Array.from({ length: 60 }, () => order());
    const refusedAt = new Set([3, 17, 18, 59]);
    const offsets = new Map<string, string>();
    const messages = orders.map((o, i) => ({
      key: o,
      value: purchased(o, refusedAt.has(i) ? REFUSED_SELLER : 'seller-1'),
      partition: 0,
    }));
    const [meta] = await producer.send({ topic, acks: -1, messages });
    orders.forEach((o, i) => offsets.set(o, (BigInt(meta?.baseOffset ?? '0') + BigInt(i)).toString()));

    for (const [i, o] of orders.entries()) if (!refusedAt.has(i)) await projected(stack.db, o, 1);
    const expected = [...refusedAt].map((i) => offsets.get(orders[i] as string));
    const found = await waitFor('four dead letters', () => {
      const mine = deadLetters().filter(
        (d) => d.source.topic === topic && expected.includes(d.source.offset),
      );
      return mine.length >= 4 ? mine : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(found.map((d) => d.source.offset).sort()).toEqual([...expected].sort());
    const [{ n }] = await stack.db.query(
      `SELECT count(*)::int AS n FROM dead_letter WHERE topic = $1 AND "offset" = ANY($2::bigint[])`,
      [topic, expected],
    );
    expect(n).toBe(4);
  });

  it('stalls on a database failure, shows it in oms_partition_stalled_seconds, and moves on once healed', async () => {
    const metric = async (name: string) => {
      const text = await (await fetch(`${stack.service.url}/metrics`)).text();
      const topic = stack.config.topics.orderCancelled;
      const line = text.split('\n').find((l) => l.startsWith(`${name}{topic="${topic}",partition="0"}`));
      return Number(line?.split(' ').pop() ?? NaN);
    };
    const orderId = order();
    await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    // Not the input's fault: the inbox table is gone (SQLSTATE 42P01), so the batch is retried, not dead-lettered.
    await stack.db.query(`ALTER TABLE inbox_message RENAME TO e2e_moved_inbox`);
    try {
      await send(
        stack.config.topics.orderCancelled,
        orderId,
        encoded(EventTypes.orderCancelled, orderCancelled(orderId)),
      );
      await waitFor(
        'a stall of at least 5 s',
        async () => ((await metric('oms_partition_stalled_seconds')) >= 5 ? true : undefined),
        30_000,
      );
      expect(await metric('oms_consumer_lag')).toBeGreaterThanOrEqual(1);
    } finally {
      await stack.db.query(`ALTER TABLE e2e_moved_inbox RENAME TO inbox_message`);
    }
    await stack.kafka.waitForOrder(
      orderId,
      (o) => o.some((c) => c.event.type === EventTypes.shipmentCancelled),
      30_000,
    );
    expect(deadLetters().filter((d) => d.source.key === orderId)).toEqual([]);
    await waitFor(
      'the stall to clear',
      async () => ((await metric('oms_partition_stalled_seconds')) === 0 ? true : undefined),
      30_000,
    );
  });

  it('serves the gauges read at scrape time: readiness, outbox age, cancellations waiting', async () => {
    const text = await (await fetch(`${stack.service.url}/metrics`)).text();
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.split(' ')[1],
      );
    expect(value('oms_ready{check="postgres"}')).toBe(1);
    expect(value('oms_ready{check="kafkaConsumer"}')).toBe(1);
    expect(value('oms_outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(value('oms_cancellations_needing_person')).toBeGreaterThanOrEqual(0);
    expect(value('oms_cancellations_unknown{age="over_24h"}')).toBe(0);
    expect(value('oms_carrier_rate_limit_per_second{carrier="amazon-shipping-v2"}')).toBeGreaterThan(0);
    expect(text).toMatch(
      /^oms_carrier_requests_total\{carrier="amazon-shipping-v2",operation="cancel",seller_account="seller-1"\} \d+/m,
    );
  });

  it('publishes two large dead letters of one batch without jamming the relay', async () => {
    const topic = stack.config.topics.orderCancelled;
    const key = order();
    const big = (fill: string) => Buffer.from(`not json ${fill.repeat(400 * 1024)}`);
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [
        { key, value: big('a'), partition: 0 },
        { key, value: big('b'), partition: 0 },
      ],
    });
    const offsets = [meta?.baseOffset ?? '', (BigInt(meta?.baseOffset ?? '0') + 1n).toString()];
    const good = order();
    await purchase(env(), good, [{ api: 'amazon-shipping-v2' }]);
    await send(topic, good, encoded(EventTypes.orderCancelled, orderCancelled(good)));

    await stack.kafka.waitForOrder(good, (o) => o.some((c) => c.event.type === EventTypes.shipmentCancelled));
    const records = await waitFor('both large dead letters', () => {
      const mine = deadLetters().filter((d) => d.source.topic === topic && offsets.includes(d.source.offset));
      return mine.length === 2 ? mine : undefined;
    });
    for (const record of records) {
      expect(record.payload.bytes).toBe(big('a').length);
      expect(
        Buffer.from(record.payload.base64 ?? '', 'base64')
          .subarray(0, 9)
          .toString(),
      ).toBe('not json ');
    }
  });
});
