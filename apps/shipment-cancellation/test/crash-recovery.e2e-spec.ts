// The service is killed with SIGKILL while it works, and restarted: every shipment still gets exactly one
// distinct outcome event and exactly one state-changing carrier cancel.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes, type ShipmentCancelled } from '@oms/events';
import { loadConfig } from '../src/platform/config/config';
import { createDataSource } from '../src/store/data-source';
import { TestKafka } from './support/kafka';
import { waitFor } from './support/ports';
import { SandboxProcess } from './support/sandbox';
import { orderCancelled, purchase } from './support/scenario';
import { ServiceProcess } from './support/service-process';
import { testEnv } from './support/service';

const ORDERS = 40;

describe('crash recovery', () => {
  let sandbox: SandboxProcess;
  let kafka: TestKafka;
  let db: DataSource;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    sandbox = await SandboxProcess.start();
    env = testEnv(sandbox.url, {
      LOG_LEVEL: 'error',
      CARRIER_ATTEMPT_TIMEOUT_MS: '1000',
      WORKER_LEASE_MS: '2000',
    });
    const config = loadConfig(env);
    kafka = new TestKafka(config);
    await kafka.start();
    db = await createDataSource(config.databaseUrl, { poolSize: 2 }).initialize();
  });

  afterAll(async () => {
    for (const service of services) await service.kill();
    await kafka?.stop();
    await db?.destroy();
    await sandbox?.stop();
  });

  it('keeps one outcome per shipment across kill -9 and restart', async () => {
    services.push(await ServiceProcess.start(env));
    const orders = Array.from({ length: ORDERS }, () => `crash-${randomUUID().slice(0, 8)}`);
    const shipments = new Map<string, string>();
    for (const orderId of orders) {
      const [s] = await purchase({ sandbox, kafka, db }, orderId, [{ api: 'amazon-shipping-v2' }]);
      shipments.set(s?.event.shipmentId as string, s?.seeded.carrierShipmentId as string);
    }
    // Slow carrier, so the kill lands with calls in flight and results unapplied.
    await sandbox.setFaults({ seed: 3, latency: { uniform: { min: 50, max: 300 } } });
    for (const orderId of orders) await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));

    const cancelledCount = () =>
      kafka.received.filter((r) => r.event.type === EventTypes.shipmentCancelled).length;
    await waitFor('some outcomes before the kill', () => (cancelledCount() >= 5 ? true : undefined), 60_000);
    await services[0]?.kill();
    expect(cancelledCount()).toBeLessThan(ORDERS);

    services.push(await ServiceProcess.start(env));
    await waitFor(
      'every order to have its outcome',
      () => {
        const done = new Set(
          kafka.received
            .filter((r) => r.event.type === EventTypes.shipmentCancelled)
            .map((r) => (r.event.data as ShipmentCancelled).shipmentId),
        );
        return done.size === ORDERS ? true : undefined;
      },
      90_000,
    );

    const eventsPerShipment = new Map<string, Set<string>>();
    for (const r of kafka.received.filter((x) => x.event.type === EventTypes.shipmentCancelled)) {
      const id = (r.event.data as ShipmentCancelled).shipmentId;
      eventsPerShipment.set(id, (eventsPerShipment.get(id) ?? new Set()).add(r.event.id));
    }
    expect([...eventsPerShipment.values()].map((ids) => ids.size)).toEqual(Array(ORDERS).fill(1));
    const counters = await sandbox.counters();
    expect(
      [...shipments.values()].map((carrierId) => counters.stateChangingCancels.perShipment[carrierId]),
    ).toEqual(Array(ORDERS).fill(1));
  });
});
