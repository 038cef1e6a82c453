// The foundation works end to end: a message round-trips through the real broker, and a row through the
// migrated Postgres schema with TypeORM.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ORDER_LOCK_SEED } from '../src/store/advisory-locks';
import { createDataSource } from '../src/store/data-source';
import { preparedQuery } from '../src/store/query-rows';
import { OutboxEventEntity } from '../src/store/entities/outbox-event.entity';
import { MARK_AND_SELECT } from '../src/store/relay.store';
import { recordMessages } from '../src/store/inbox.store';
import { loadConfig } from '../src/platform/config/config';
import { TableRetention } from '../src/store/upkeep/retention.service';
import { MetricsService } from '../src/platform/metrics/metrics.service';
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

    it("records new inbox messages and takes their orders' locks in one statement", async () => {
      const orderA = `order-${randomUUID()}`;
      const orderB = `order-${randomUUID()}`;
      const [first, second, poison] = [randomUUID(), randomUUID(), `poison-${randomUUID()}`];
      const lockedElsewhere = async (orderId: string) => {
        // A statement of its own: a lock it gets is gone again when it ends.
        const [row]: Array<{ got: boolean }> = await dataSource.query(
          `SELECT pg_try_advisory_xact_lock(hashtextextended($1, ${ORDER_LOCK_SEED})) AS got`,
          [orderId],
        );
        return !row?.got;
      };
      /** Records the messages in a transaction, runs `inside` while it is open, then ends it. */
      const record = async (
        messages: Array<[string, string | null]>,
        end: 'commit' | 'rollback',
        inside: (freshIds: string[]) => Promise<void>,
      ) => {
        const runner = dataSource.createQueryRunner();
        await runner.startTransaction();
        try {
          const entries = messages.map(([messageId, orderId], i) => ({
            messageId,
            eventType: orderId ? 'test.event' : null,
            topic: 'test.topic',
            partition: 0,
            offset: String(i),
            orderId,
            result: orderId ? ('processed' as const) : ('dead_lettered' as const),
          }));
          await inside(await recordMessages(runner.manager, entries, new Date()));
        } finally {
          await (end === 'commit' ? runner.commitTransaction() : runner.rollbackTransaction());
          await runner.release();
        }
      };

      // Two messages for A, and one that failed to decode (no order: nothing to lock).
      await record(
        [
          [first, orderA],
          [second, orderA],
          [poison, null],
        ],
        'commit',
        async (fresh) => {
          expect(fresh.sort()).toEqual([first, second, poison].sort());
          expect(await lockedElsewhere(orderA)).toBe(true);
          expect(await lockedElsewhere(orderB)).toBe(false);
        },
      );
      expect(await lockedElsewhere(orderA)).toBe(false);

      // A redelivery records nothing and locks nothing; a new message for B locks B.
      await record(
        [
          [first, orderA],
          [`${second}-b`, orderB],
        ],
        'rollback',
        async (fresh) => {
          expect(fresh).toEqual([`${second}-b`]);
          expect(await lockedElsewhere(orderA)).toBe(false);
          expect(await lockedElsewhere(orderB)).toBe(true);
        },
      );
      await dataSource.query(`DELETE FROM inbox_message WHERE message_id = ANY($1)`, [
        [first, second, poison],
      ]);
    });

    it('deletes bookkeeping rows past their retention and keeps the rest', async () => {
      const tag = randomUUID();
      const outbox = (name: string, age: string, published: boolean) =>
        dataSource.query(
          `INSERT INTO outbox_event (event_id, topic, message_key, event_type, payload, created_at, published_at)
           VALUES ($1, 'test.retention', $2, 'test', '{}', now() - $3::interval,
                   CASE WHEN $4 THEN now() - $3::interval END)`,
          [randomUUID(), `${tag}-${name}`, age, published],
        );
      await outbox('old', '8 days', true);
      await outbox('old-unpublished', '8 days', false);
      await outbox('new', '6 days', true);
      for (const [name, age] of [
        ['old', '15 days'],
        ['new', '13 days'],
      ])
        await dataSource.query(
          `INSERT INTO inbox_message (message_id, topic, partition, "offset", result, received_at)
           VALUES ($1, 'test.retention', 0, 0, 'processed', now() - $2::interval)`,
          [`${tag}-${name}`, age],
        );
      for (const [name, age] of [
        ['old', '25 hours'],
        ['new', '23 hours'],
      ])
        await dataSource.query(
          `INSERT INTO idempotency_record (actor, idempotency_key, method, path, request_hash, response_status,
                                           response_body, created_at)
           VALUES ('test', $1, 'POST', '/x', 'h', 202, '{}', now() - $2::interval)`,
          [`${tag}-${name}`, age],
        );

      const retention = new TableRetention(dataSource, new MetricsService(), loadConfig({}));
      const deleted = await retention.runOnce();
      expect(deleted['outbox_event']).toBeGreaterThanOrEqual(1);
      expect(deleted['inbox_message']).toBeGreaterThanOrEqual(1);
      expect(deleted['idempotency_record']).toBeGreaterThanOrEqual(1);

      const left = async (sql: string) =>
        ((await dataSource.query(sql, [`${tag}-%`])) as Array<{ k: string }>).map((r) => r.k).sort();
      expect(await left(`SELECT message_key AS k FROM outbox_event WHERE message_key LIKE $1`)).toEqual([
        `${tag}-new`,
        `${tag}-old-unpublished`,
      ]);
      expect(await left(`SELECT message_id AS k FROM inbox_message WHERE message_id LIKE $1`)).toEqual([
        `${tag}-new`,
      ]);
      expect(
        await left(`SELECT idempotency_key AS k FROM idempotency_record WHERE idempotency_key LIKE $1`),
      ).toEqual([`${tag}-new`]);
      await dataSource.query(`DELETE FROM outbox_event WHERE message_key LIKE $1`, [`${tag}-%`]);
      await dataSource.query(`DELETE FROM inbox_message WHERE message_id LIKE $1`, [`${tag}-%`]);
      await dataSource.query(`DELETE FROM idempotency_record WHERE idempotency_key LIKE $1`, [`${tag}-%`]);
    });

    it("runs the relay's mark-and-select: marks the rows sent, returns the next, and keeps async commit to itself", async () => {
      // One connection, so the SHOW below runs on the session the relay statement ran on.
      const single = await createDataSource(process.env['TEST_DATABASE_URL'] as string, {
        poolSize: 1,
      }).initialize();
      try {
        const repo = single.getRepository(OutboxEventEntity);
        const topic = `test.relay.${randomUUID()}`;
        const row = (n: number) => ({
          eventId: randomUUID(),
          topic,
          messageKey: `order-${n}`,
          eventType: 'test',
          payload: { n },
          headers: {},
        });
        await repo.insert([row(1), row(2)]);
        const [sent, next] = await repo.find({ where: { topic }, order: { id: 'ASC' } });
        const show = async (runner: { query: DataSource['query'] }) =>
          ((await runner.query('SHOW synchronous_commit')) as Array<{ synchronous_commit: string }>)[0]
            ?.synchronous_commit;
        const runner = single.createQueryRunner();
        await runner.startTransaction();
        const rows = await preparedQuery<{ id: string; topic: string }>(runner.manager, MARK_AND_SELECT, [
          10_000,
          [sent?.id],
        ]);
        const inside = await show(runner);
        await runner.commitTransaction();
        await runner.release();
        const ours = rows.filter((r) => r.topic === topic).map((r) => r.id);
        expect(ours).toEqual([next?.id]);
        const after = await repo.find({ where: { topic }, order: { id: 'ASC' } });
        expect(after.map((r) => r.publishedAt !== null)).toEqual([true, false]);
        // Off for the mark's own transaction, on again for whatever the pooled connection runs next.
        expect(inside).toBe('off');
        expect(await show(single)).toBe('on');
        await repo.delete({ topic });
      } finally {
        await single.destroy();
      }
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
      const schema = [
        'audit_log',
        'cancellation_request',
        'carrier_attempt',
        'carrier_budget',
        'dead_letter',
        'idempotency_record',
        'inbox_message',
        'outbox_event',
        'shipment',
        'shipment_cancellation',
      ];
      expect(await tables()).toEqual(schema);
      // The tables updated in place leave room on their pages for heap-only updates.
      expect(
        await dataSource.query(
          `SELECT relname AS table, reloptions AS options FROM pg_class
            WHERE relname IN ('shipment', 'cancellation_request') AND relkind = 'r' ORDER BY 1`,
        ),
      ).toEqual([
        { table: 'cancellation_request', options: ['fillfactor=70'] },
        { table: 'shipment', options: ['fillfactor=70'] },
      ]);
      for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
      expect(await tables()).toEqual([]);
      await dataSource.runMigrations();
      expect(await tables()).toEqual(schema);
    } finally {
      await dataSource.destroy();
    }
  });
});
