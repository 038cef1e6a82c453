// The foundation works end to end: a message round-trips through the real broker, and a row through the
// migrated Postgres schema with TypeORM.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { OutboxEventEntity } from '../src/outbox/outbox-event.entity';
import { recreateDatabase } from './support/database';

describe('infrastructure', () => {
  it('round-trips a message through the Kafka broker (produce, group consume, commit)', async () => {
    const kafka = new Kafka({
      clientId: 'infra-test',
      brokers: [process.env['TEST_KAFKA_BROKERS'] as string],
      logLevel: logLevel.NOTHING,
    });
    const topic = `test.roundtrip.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const value = `hello ${randomUUID()}`;
    await producer.send({ topic, acks: -1, messages: [{ key: 'order-1', value }] });

    const groupId = `infra-test-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; offset: string }>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ message, partition }) => {
          await consumer.commitOffsets([
            { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
          ]);
          resolve({ key: String(message.key), value: String(message.value), offset: message.offset });
        },
      });
    });
    await consumer.disconnect();

    expect(received).toEqual({ key: 'order-1', value, offset: '0' });
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed?.partitions).toEqual([{ partition: 0, offset: '1', metadata: null }]);
    await admin.deleteTopics({ topics: [topic] });
    await producer.disconnect();
    await admin.disconnect();
  });

  describe('PostgreSQL through TypeORM', () => {
    let dataSource: DataSource;
    beforeAll(async () => {
      dataSource = await createDataSource(process.env['TEST_DATABASE_URL'] as string, {
        poolSize: 2,
      }).initialize();
    });
    afterAll(() => dataSource.destroy());

    it('has applied every migration', async () => {
      expect(await dataSource.showMigrations()).toBe(false);
    });

    it('writes and reads back a row', async () => {
      const eventId = randomUUID();
      const repo = dataSource.getRepository(OutboxEventEntity);
      await repo.insert({
        eventId,
        topic: 'test.topic',
        messageKey: 'order-1',
        eventType: 'test',
        payload: { hello: 'world' },
        headers: {},
      });
      const row = await repo.findOneByOrFail({ eventId });
      expect(row).toMatchObject({
        eventId,
        topic: 'test.topic',
        payload: { hello: 'world' },
        publishedAt: null,
      });
      await repo.delete({ eventId });
    });
  });
});

describe('migrations', () => {
  it('go down and up again cleanly on an empty database', async () => {
    const url = await recreateDatabase('oms_cancellation_migrations_test');
    const dataSource = await createDataSource(url, { poolSize: 1 }).initialize();
    const tables = async () =>
      (
        (await dataSource.query(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
        )) as Array<{ name: string }>
      ).map((t) => t.name);
    try {
      await dataSource.runMigrations();
      expect(await tables()).toEqual([
        'audit_log',
        'cancellation_request',
        'carrier_attempt',
        'idempotency_record',
        'inbox_message',
        'outbox_event',
        'service_instance',
        'shipment',
        'shipment_cancellation',
      ]);
      for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
      expect(await tables()).toEqual([]);
      await dataSource.runMigrations();
      expect(await tables()).toHaveLength(9);
    } finally {
      await dataSource.destroy();
    }
  });
});
