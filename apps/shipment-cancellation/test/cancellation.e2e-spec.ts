// OrderCancelled → reship rule → carrier cancel → outcome events, against a real broker, a real Postgres
// and the carrier sandbox.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes } from '@oms/events';
import type { AppConfig } from '../src/platform/config/config';
import type { TestKafka } from './support/kafka';
import { waitFor } from './support/ports';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import type { SandboxProcess } from './support/sandbox';
import { orderCancelled, projected, purchase, purchasedEvent } from './support/scenario';
import { cancelledOf, failedOf, reshipOf } from './support/outcomes';

describe('shipment cancellation, end to end', () => {
  let sandbox: SandboxProcess;
  let config: AppConfig;
  let kafka: TestKafka;
  let db: DataSource;
  const env = () => ({ sandbox, kafka, db });
  const order = () => `order-${randomUUID().slice(0, 8)}`;

  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({ sandboxEnv: { SANDBOX_MFN_REFUND_DELAY_MS: '300' } });
    ({ sandbox, config, kafka, db } = stack);
  });

  afterAll(() => stack?.stop());

  afterEach(() => sandbox.control('PUT', 'faults', { errorRates: {}, timeoutRate: 0, dropAfterActRate: 0 }));

  it('cancels the only shipment of an order and allows a reship', async () => {
    const orderId = order();
    const [shipment] = await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    const input = await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));

    const outputs = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    const [cancelled] = cancelledOf(outputs);
    expect(cancelled).toMatchObject({
      orderId,
      shipmentId: shipment?.event.shipmentId,
      outcome: 'voided',
      final: true,
      reshipEligible: true,
      trigger: 'order_event',
      causationId: input.id,
      labelRefund: {
        amount: shipment?.event.labelCost.amount,
        currency: shipment?.event.labelCost.currency,
        status: 'applied',
      },
      carrier: { api: 'amazon-shipping-v2', carrierShipmentId: shipment?.seeded.carrierShipmentId },
    });
    expect(cancelled?.carrier.requestId).toEqual(expect.any(String));
    // What billing books from the event alone: the account, the reason and the refunded amount.
    expect(cancelled).toMatchObject({
      sellerAccount: shipment?.event.sellerAccount,
      cancelReason: 'customer_request',
      businessId: shipment?.event.businessId ?? null,
      labelCost: { currency: shipment?.event.labelCost.currency },
      refund: { status: 'applied', source: 'label_cost', currency: shipment?.event.labelCost.currency },
      sequence: 1,
    });
    expect(Number(cancelled?.refund.amount)).toBe(Number(shipment?.event.labelCost.amount));
    expect(cancelled).not.toHaveProperty('supersedes');
    expect(reshipOf(kafka.forOrder(orderId))).toEqual([]);
    expect((await sandbox.shipment(shipment?.seeded.carrierShipmentId as string)).status).toBe('Voided');
  });

  it('cancels every shipment of a multi-shipment order and asks a person to reship, once', async () => {
    const orderId = order();
    const shipments = await purchase(env(), orderId, [
      { api: 'amazon-shipping-v2' },
      { api: 'amazon-mfn-mws' },
      { api: 'amazon-shipping-v2' },
    ]);
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));

    const outputs = await kafka.waitForOrder(
      orderId,
      (o) => reshipOf(o).length === 1 && cancelledOf(o).length === 3,
    );
    expect(cancelledOf(outputs).map((c) => c.reshipEligible)).toEqual([false, false, false]);
    expect(new Set(cancelledOf(outputs).map((c) => c.shipmentId))).toEqual(
      new Set(shipments.map((s) => s.event.shipmentId)),
    );
    const [reship] = reshipOf(outputs);
    expect(reship).toMatchObject({
      orderId,
      reason: 'multiple_shipments',
      cancelReason: 'customer_request',
      shipmentCount: 3,
      sequence: 1,
      message: expect.stringContaining('a person must arrange the new shipment'),
    });
    // The MWS bridge cannot read the refund back: a final refund_pending whose refund is unconfirmed.
    const mws = cancelledOf(outputs).find((c) => c.carrier.api === 'amazon-mfn-mws');
    if (mws?.outcome === 'refund_pending')
      expect(mws).toMatchObject({ final: true, refund: { status: 'unconfirmed', source: 'none' } });
    expect(reship?.shipments.map((s) => s.shipmentId).sort()).toEqual(
      shipments.map((s) => s.event.shipmentId).sort(),
    );
    // The reship notice is written once every shipment has its outcome (topics differ, so compare times).
    const reshipTime = Date.parse(
      outputs.find((o) => o.event.type === EventTypes.manualReshipRequired)?.event.time ?? '',
    );
    for (const c of outputs.filter((o) => o.event.type === EventTypes.shipmentCancelled)) {
      expect(Date.parse(c.event.time)).toBeLessThanOrEqual(reshipTime);
    }
  });

  it('records an order with no shipments as processed and publishes nothing', async () => {
    const orderId = order();
    const input = await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    const request = await waitFor('the request row', async () => {
      const [row]: Array<{ rule: string; status: string; causationId: string }> = await db.query(
        `SELECT rule, status, causation_id AS "causationId" FROM cancellation_request WHERE order_id = $1`,
        [orderId],
      );
      return row;
    });
    expect(request).toEqual({ rule: 'no_shipments', status: 'completed', causationId: input.id });
    const [inbox]: Array<{ result: string }> = await db.query(
      `SELECT result FROM inbox_message WHERE message_id = $1`,
      [input.id],
    );
    expect(inbox?.result).toBe('processed');
    expect(kafka.forOrder(orderId)).toEqual([]);
  });

  it('turns the same OrderCancelled twice, and a second event for the order, into one carrier cancel and one output', async () => {
    const orderId = order();
    const [shipment] = await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    const id = randomUUID();
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId), { id });
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId), { id });
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));

    await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    await waitFor('all three inputs in the inbox', async () => {
      const rows: Array<{ result: string }> = await db.query(
        `SELECT result FROM inbox_message WHERE order_id = $1 AND event_type = $2 ORDER BY result`,
        [orderId, EventTypes.orderCancelled],
      );
      return rows.length === 2 ? rows.map((r) => r.result) : undefined;
    }).then((results) => expect(results).toEqual(['duplicate_order', 'processed']));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cancelledOf(kafka.forOrder(orderId))).toHaveLength(1);
    const counters = await sandbox.counters();
    expect(counters.stateChangingCancels.perShipment[shipment?.seeded.carrierShipmentId as string]).toBe(1);
  });

  it('dead-letters a poison message with the reason and keeps processing the partition', async () => {
    const poisonKey = order();
    await kafka.publishRaw(config.topics.orderCancelled, poisonKey, '{"not": "a cloud event"');
    const orderId = order();
    await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    await kafka.publishRaw(
      config.topics.orderCancelled,
      poisonKey,
      JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        type: EventTypes.orderCancelled,
        source: '/x',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: { schemaVersion: 1 },
      }),
    );
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));

    await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    const dead = await kafka.waitForOrder(poisonKey, (o) => o.length === 2);
    expect(dead.map((d) => d.topic)).toEqual([config.topics.deadLetter, config.topics.deadLetter]);
    const records = dead.map(
      (d) =>
        d.event.data as {
          error: { kind: string; message: string };
          payload: { utf8: string };
          source: { topic: string };
        },
    );
    expect(records[0]).toMatchObject({
      error: { kind: 'not_json' },
      payload: { utf8: '{"not": "a cloud event"' },
      source: { topic: config.topics.orderCancelled },
    });
    expect(records[1]?.error.kind).toBe('schema_invalid');
    expect(records[1]?.error.message).toContain('data/orderId');
  });

  it('fails a cancel past the carrier window, saying why and that a person must act', async () => {
    const orderId = order();
    await purchase(env(), orderId, [
      { api: 'amazon-mfn-mws', cancelWindowEndsAt: new Date(Date.now() - 60_000).toISOString() },
    ]);
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    const outputs = await kafka.waitForOrder(orderId, (o) => failedOf(o).length === 1);
    expect(failedOf(outputs)[0]).toMatchObject({
      reason: 'window_expired',
      requiresManualAction: true,
      reshipEligible: false,
      carrier: { api: 'amazon-mfn-mws', errorCode: 'LabelCancelWindowExpired', httpStatus: 400 },
    });
    expect(cancelledOf(outputs)).toEqual([]);
  });

  it('rides out carrier 429s and 500s and still cancels exactly once', async () => {
    const orderId = order();
    const [shipment] = await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    await sandbox.setFaults({
      seed: 7,
      apis: ['amazon-shipping-v2'],
      errorRates: { '429': 0.5, '500': 0.5 },
    });
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    await waitFor('a failed carrier attempt', async () => {
      const [row]: Array<{ n: number }> = await db.query(
        `SELECT count(*)::int AS n FROM carrier_attempt a JOIN shipment_cancellation sc ON sc.id = a.shipment_cancellation_id
          WHERE sc.order_id = $1 AND a.outcome IN ('retry_later', 'unknown')`,
        [orderId],
      );
      return (row?.n ?? 0) > 0 ? true : undefined;
    });
    await sandbox.setFaults({ errorRates: {} });
    const outputs = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1, 60_000);
    expect(cancelledOf(outputs)[0]).toMatchObject({ outcome: 'voided', final: true });
    const counters = await sandbox.counters();
    expect(counters.stateChangingCancels.perShipment[shipment?.seeded.carrierShipmentId as string]).toBe(1);
  });

  it('reconciles an unknown outcome (the carrier acted, the answer was lost) as one voided shipment', async () => {
    const orderId = order();
    const [shipment] = await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    await sandbox.setFaults({ seed: 1, apis: ['amazon-shipping-v2'], dropAfterActRate: 1 });
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    await waitFor('an unknown outcome', async () => {
      const [row]: Array<{ state: string }> = await db.query(
        `SELECT state FROM shipment_cancellation WHERE order_id = $1`,
        [orderId],
      );
      return row?.state === 'unknown' ? true : undefined;
    });
    await sandbox.setFaults({ dropAfterActRate: 0 });
    await db.query(
      `UPDATE shipment_cancellation SET next_attempt_at = now() WHERE order_id = $1 AND state = 'unknown'`,
      [orderId],
    );
    const outputs = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1, 60_000);
    expect(cancelledOf(outputs)[0]).toMatchObject({
      outcome: 'voided',
      final: true,
      labelRefund: { status: 'applied' },
    });
    const counters = await sandbox.counters();
    expect(counters.stateChangingCancels.perShipment[shipment?.seeded.carrierShipmentId as string]).toBe(1);
  });

  it.each([
    ['RefundApplied', 'voided'],
    ['RefundRejected', 'refund_rejected'],
  ] as const)('follows an MFN v0 refund from RefundPending to %s', async (result, expected) => {
    const orderId = order();
    await purchase(env(), orderId, [{ api: 'amazon-mfn-v0', forceRefundResult: result }]);
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    const outputs = await kafka.waitForOrder(
      orderId,
      (o) => cancelledOf(o).some((c) => c.final) || failedOf(o).length > 0,
      60_000,
    );
    const [pending] = cancelledOf(outputs);
    expect(pending).toMatchObject({
      outcome: 'refund_pending',
      final: false,
      reshipEligible: true,
      labelRefund: { status: 'pending' },
      refund: { status: 'pending', source: 'none' },
      sequence: 1,
    });
    if (expected === 'voided') {
      expect(cancelledOf(outputs)[1]).toMatchObject({
        outcome: 'voided',
        final: true,
        labelRefund: { status: 'applied' },
        refund: { status: 'applied', source: 'label_cost' },
        sequence: 2,
      });
    } else {
      expect(failedOf(outputs)[0]).toMatchObject({
        reason: 'refund_rejected',
        labelRefund: { status: 'rejected' },
        refund: { status: 'rejected', source: 'none' },
        sequence: 2,
      });
    }
  });

  it('cancels a shipment whose ShipmentPurchased arrives after the order was cancelled', async () => {
    const orderId = order();
    const [shipment] = await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }], false);
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    await waitFor('the order-level request', async () => {
      const [row]: Array<{ rule: string }> = await db.query(
        `SELECT rule FROM cancellation_request WHERE order_id = $1`,
        [orderId],
      );
      return row?.rule === 'no_shipments' ? true : undefined;
    });
    await kafka.publish(EventTypes.shipmentPurchased, purchasedEvent(orderId, 0, shipment?.seeded as never));
    await projected(db, orderId, 1);
    const outputs = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    expect(cancelledOf(outputs)[0]).toMatchObject({
      outcome: 'voided',
      reshipEligible: true,
      shipmentId: `${orderId}-s1`,
    });
  });
});
