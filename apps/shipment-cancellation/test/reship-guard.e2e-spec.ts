// A ShipmentPurchased for an order already cancelled: a label bought before the cancel raced it and is
// cancelled; a label bought after the cancel is the reship and is left alone.
import { randomUUID } from 'node:crypto';
import { EventTypes, type ShipmentCancelled } from '@oms/events';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import { orderCancelled, projected, purchase } from './support/scenario';

const cancelledOf = (stack: E2eStack, orderId: string) =>
  stack.kafka
    .forOrder(orderId)
    .filter((o) => o.event.type === EventTypes.shipmentCancelled)
    .map((o) => o.event.data as ShipmentCancelled);

describe('the reship guard', () => {
  let stack: E2eStack;
  const env = () => ({ sandbox: stack.sandbox, kafka: stack.kafka, db: stack.db });
  const order = () => `reship-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    stack = await startE2eStack({ env: { RESHIP_GUARD_SKEW_MS: '300' } });
  });
  afterAll(() => stack?.stop());

  it('leaves the reship label of a cancelled one-shipment order alone', async () => {
    const orderId = order();
    await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    await stack.kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    await stack.kafka.waitForOrder(orderId, (o) => o.length === 1);
    expect(cancelledOf(stack, orderId)).toMatchObject([{ outcome: 'voided', reshipEligible: true }]);

    // The platform reships: a new label, bought after the cancel.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [reship] = await purchase(
      env(),
      orderId,
      [{ api: 'amazon-shipping-v2', purchasedAt: new Date().toISOString() }],
      false,
    );
    if (!reship) throw new Error('no reship seeded');
    await stack.kafka.publish(EventTypes.shipmentPurchased, {
      ...reship.event,
      shipmentId: `${orderId}-reship`,
    });
    await projected(stack.db, orderId, 2);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(stack.kafka.forOrder(orderId)).toHaveLength(1);
    expect((await stack.sandbox.shipment(reship.seeded.carrierShipmentId)).status).toBe('Purchased');
    const rows = await stack.db.query(
      `SELECT r.rule, r.shipment_count, (SELECT count(*)::int FROM shipment_cancellation c WHERE c.order_id = r.order_id) AS cancellations
         FROM cancellation_request r WHERE r.order_id = $1`,
      [orderId],
    );
    expect(rows).toEqual([{ rule: 'single_shipment', shipment_count: 1, cancellations: 1 }]);
  });

  it('still cancels a label bought before the cancel whose event arrives after it', async () => {
    const orderId = order();
    const boughtAt = new Date(Date.now() - 60_000).toISOString();
    const [label] = await purchase(
      env(),
      orderId,
      [{ api: 'amazon-shipping-v2', purchasedAt: boughtAt }],
      false,
    );
    if (!label) throw new Error('no label seeded');
    await stack.kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stack.kafka.publish(EventTypes.shipmentPurchased, label.event);

    await stack.kafka.waitForOrder(orderId, (o) => cancelledOf(stack, orderId).length === 1 && o.length >= 1);
    expect(cancelledOf(stack, orderId)).toMatchObject([
      { outcome: 'voided', shipmentId: label.event.shipmentId, reshipEligible: true },
    ]);
    expect((await stack.sandbox.shipment(label.seeded.carrierShipmentId)).status).toBe('Voided');
  });
});
