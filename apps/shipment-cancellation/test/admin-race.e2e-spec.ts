// An operator and the platform cancel the same order at the same moment: the per-order lock and the one
// order-level request per order must give one carrier cancel per shipment and one set of events.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes } from '@oms/events';
import { AdminApiClient, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import type { RunningService } from '../src/service-runtime';
import type { TestKafka } from './support/kafka';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import type { SandboxProcess } from './support/sandbox';
import { orderCancelled, purchase } from './support/scenario';
import { cancelledOf, reshipOf } from './support/outcomes';

const ORDERS = 6;
const STAGGER_MS = 40;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('admin API: manual and event-driven cancels of the same order', () => {
  const operator = testKey('ops-rae', 'operator');
  let sandbox: SandboxProcess;
  let service: RunningService;
  let kafka: TestKafka;
  let db: DataSource;
  let api: AdminApiClient;
  const env = () => ({ sandbox, kafka, db });

  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({ env: { ADMIN_API_KEYS: apiKeysEnv([operator]) } });
    ({ sandbox, kafka, db, service } = stack);
    api = new AdminApiClient(service.url, operator);
  });

  afterAll(() => stack?.stop());

  async function perShipment(): Promise<Record<string, number>> {
    const counters = await sandbox.counters();
    return counters.stateChangingCancels.perShipment;
  }

  /** Lets stragglers arrive: a second cancel or a second event would show up by then. */
  const settle = () => delay(1_500);

  it('gives one carrier cancel per shipment and one set of events when both cancel a whole order at once', async () => {
    const orders = Array.from({ length: ORDERS }, () => `adm-race-${randomUUID().slice(0, 8)}`);
    const bought = await Promise.all(
      orders.map((orderId) =>
        purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }, { api: 'amazon-shipping-v2' }]),
      ),
    );

    // Both at once, for every order: the event through Kafka, the operator through HTTP. HTTP is quicker than
    // a Kafka round trip, so the operator is held back a little more for each order: both sides win some.
    const answers = await Promise.all(
      orders.flatMap((orderId, i) => [
        kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId)).then(() => null),
        delay(i * STAGGER_MS).then(() =>
          api.post(adminPath`/orders/${orderId}/cancel`, { body: { reason: 'race with the platform' } }),
        ),
      ]),
    );
    for (const orderId of orders) {
      await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length >= 2 && reshipOf(o).length >= 1);
    }
    await settle();

    const counts = await perShipment();
    for (const [index, orderId] of orders.entries()) {
      const outputs = kafka.forOrder(orderId);
      expect({ orderId, cancelled: cancelledOf(outputs).length, reship: reshipOf(outputs).length }).toEqual({
        orderId,
        cancelled: 2,
        reship: 1,
      });
      expect(new Set(cancelledOf(outputs).map((c) => c.shipmentId)).size).toBe(2);
      for (const s of bought[index] ?? []) expect(counts[s.seeded.carrierShipmentId]).toBe(1);

      // Whoever came first owns the one order-level request; the other was told so.
      const requests: Array<{ trigger: string }> = await db.query(
        `SELECT trigger FROM cancellation_request WHERE order_id = $1`,
        [orderId],
      );
      expect(requests).toHaveLength(1);
      const answer = answers[index * 2 + 1];
      expect([202, 409]).toContain(answer?.status);
      expect(requests[0]?.trigger).toBe(answer?.status === 202 ? 'admin' : 'order_event');
      expect(cancelledOf(outputs).every((c) => c.trigger === requests[0]?.trigger)).toBe(true);
    }
  });

  it('never cancels a shipment twice when an operator cancels one shipment while the order event arrives', async () => {
    const orders = Array.from({ length: ORDERS }, () => `adm-race1-${randomUUID().slice(0, 8)}`);
    const bought = await Promise.all(
      orders.map((orderId) =>
        purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }, { api: 'amazon-shipping-v2' }]),
      ),
    );
    const answers = await Promise.all(
      orders.flatMap((orderId, i) => [
        kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId)).then(() => null),
        delay(i * STAGGER_MS).then(() =>
          api.post(
            adminPath`/orders/${orderId}/shipments/${bought[i]?.[0]?.event.shipmentId as string}/cancel`,
            {
              body: { reason: 'this label only' },
            },
          ),
        ),
      ]),
    );
    for (const orderId of orders) {
      await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length >= 2 && reshipOf(o).length >= 1);
    }
    await settle();

    const counts = await perShipment();
    for (const [index, orderId] of orders.entries()) {
      const outputs = kafka.forOrder(orderId);
      expect(cancelledOf(outputs)).toHaveLength(2);
      expect(reshipOf(outputs)).toHaveLength(1);
      for (const s of bought[index] ?? []) expect(counts[s.seeded.carrierShipmentId]).toBe(1);
      // The shipment went to one request only: the operator's (202) or the event's (409).
      const owners: Array<{ scope: string }> = await db.query(
        `SELECT r.scope FROM shipment_cancellation sc JOIN cancellation_request r ON r.id = sc.request_id WHERE sc.shipment_id = $1`,
        [bought[index]?.[0]?.event.shipmentId],
      );
      expect(owners).toHaveLength(1);
      const answer = answers[index * 2 + 1];
      expect(owners[0]?.scope).toBe(answer?.status === 202 ? 'shipment' : 'order');
    }
  });
});
