// Instances in one consumer group split the orders between them and draw on one carrier budget: together they
// never exceed Amazon's rate limit (the sandbox enforces the MWS bucket: 10 burst, 5 per second), and together
// they use it.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes, type ShipmentCancelled } from '@oms/events';
import { createDataSource } from '../src/store/data-source';
import type { AppConfig } from '../src/platform/config/config';
import type { RunningService } from '../src/service-runtime';
import { TestKafka } from './support/kafka';
import { waitFor } from './support/ports';
import { SandboxProcess } from './support/sandbox';
import { orderCancelled, purchase } from './support/scenario';
import { startTestService, testConfig } from './support/service';

const ORDERS = 40;

describe('scale-out', () => {
  let sandbox: SandboxProcess;
  let kafka: TestKafka;
  let db: DataSource;
  const services: RunningService[] = [];
  let config: AppConfig;

  beforeAll(async () => {
    sandbox = await SandboxProcess.start();
  });

  afterAll(async () => {
    for (const service of services) await service.stop();
    await kafka?.stop();
    await db?.destroy();
    await sandbox?.stop();
  });

  it('shares one carrier budget between instances: no 429 from the carrier, and the quota used', async () => {
    config = testConfig(sandbox.url);
    kafka = new TestKafka(config);
    await kafka.start();
    db = await createDataSource(config.databaseUrl, { poolSize: 2 }).initialize();
    services.push(await startTestService(config), await startTestService(config));

    const orders = Array.from({ length: ORDERS }, () => `scale-${randomUUID().slice(0, 8)}`);
    for (const orderId of orders)
      await purchase({ sandbox, kafka, db }, orderId, [{ api: 'amazon-mfn-mws' }]);
    await sandbox.control('DELETE', 'counters');
    const started = Date.now();
    for (const orderId of orders) await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));

    await waitFor(
      'every order cancelled',
      () => {
        const done = new Set(
          kafka.received
            .filter((r) => r.event.type === EventTypes.shipmentCancelled)
            .map((r) => (r.event.data as ShipmentCancelled).orderId),
        );
        return orders.every((o) => done.has(o)) ? true : undefined;
      },
      60_000,
    );
    const seconds = (Date.now() - started) / 1000;

    const counters = await sandbox.counters();
    expect(counters.throttled.total).toBe(0);
    expect(counters.rateLimit.overLimitTotal).toBe(0);
    // 40 cancels at 5/s after a burst of 10 take at least (40 - 10) / 5 = 6 s whoever sends them; split 1/n
    // between the two they would take twice that. The rest is Kafka's and the relay's latency.
    expect(seconds).toBeGreaterThan(5.5);
    expect(seconds).toBeLessThan(10);
  });

  it('reports the lag of each partition from exactly one instance: revoked partitions lose their gauges', async () => {
    const owned = async (service: RunningService) => {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('oms_consumer_lag{'))
        .map((line) => /topic="([^"]+)",partition="(\d+)"/.exec(line)?.slice(1, 3).join('/') ?? line);
    };
    const topics = [config.topics.orderCancelled, config.topics.shipmentPurchased];
    const all = topics
      .flatMap((t) => Array.from({ length: config.kafka.partitions }, (_, p) => `${t}/${p}`))
      .sort();
    const covers = (sets: string[][]) =>
      sets.every((set) => set.length > 0) && JSON.stringify(sets.flat().sort()) === JSON.stringify(all);
    // One instance alone reports every partition; when another joins, it must drop the ones it gave away.
    await services.pop()?.stop();
    await waitFor(
      'one instance reporting every partition',
      async () => (covers([await owned(services[0] as RunningService)]) ? true : undefined),
      30_000,
    );
    services.push(await startTestService(config));
    await waitFor(
      'the two instances to report disjoint partitions that cover both topics',
      async () => (covers(await Promise.all(services.map(owned))) ? true : undefined),
      30_000,
    );
  });
});
