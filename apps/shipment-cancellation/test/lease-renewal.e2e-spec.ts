// Renewing the leases an instance holds never waits for a row lock: the apply stage (another connection of the
// same instance) locks the rows whose results it writes, in its own order, and a renewal that waited for them
// could deadlock against it. A locked row is skipped and renewed the next time.
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/store/data-source';
import { LeasesStore } from '../src/store/claims.store';
import { recreateDatabase } from './support/database';

describe('lease renewal', () => {
  let dataSource: DataSource;
  let client: Client;
  let locker: Client;
  let ids: string[];

  beforeAll(async () => {
    const url = await recreateDatabase('oms_lease_renewal_test');
    dataSource = await createDataSource(url, { poolSize: 1 }).initialize();
    await dataSource.runMigrations();
    client = new Client({ connectionString: url });
    locker = new Client({ connectionString: url });
    await Promise.all([client.connect(), locker.connect()]);
    await client.query(
      `INSERT INTO shipment (id, order_id, carrier, carrier_shipment_id, seller_account, label_cost_amount,
                             label_cost_currency, purchased_at, status)
       SELECT 'shp-' || i, 'ord-1', 'amazon-shipping-v2', 'cs-' || i, 'seller', 1, 'USD', now(), 'cancelling'
         FROM generate_series(1, 3) AS i`,
    );
    await client.query(
      `INSERT INTO cancellation_request (id, order_id, scope, trigger, actor, causation_id, correlation_id, rule,
                                         shipment_count, status)
       VALUES (gen_random_uuid(), 'ord-1', 'order', 'order_event', 'test', 'c', 'c', 'multiple_shipments', 3,
               'in_progress')`,
    );
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO shipment_cancellation (id, request_id, order_id, shipment_id, carrier, carrier_shipment_id,
                                          seller_account, reship_eligible, state, next_attempt_at, attempts,
                                          lease_until)
       SELECT gen_random_uuid(), r.id, s.order_id, s.id, s.carrier, s.carrier_shipment_id, s.seller_account, false,
              'in_flight', now(), 1, now() + interval '1 second'
         FROM shipment s JOIN cancellation_request r ON r.order_id = s.order_id
       RETURNING id`,
    );
    ids = inserted.rows.map((r) => r.id).sort();
  });

  afterAll(async () => {
    await Promise.all([client?.end(), locker?.end()]);
    await dataSource?.destroy();
  });

  const leasedBeyond = async (seconds: number): Promise<string[]> =>
    (
      await client.query<{ id: string }>(
        `SELECT id FROM shipment_cancellation
          WHERE lease_until > now() + make_interval(secs => $1) ORDER BY id`,
        [seconds],
      )
    ).rows.map((r) => r.id);

  it('skips a row locked elsewhere instead of waiting for it, and renews it once the lock is gone', async () => {
    const store = new LeasesStore(dataSource);
    const held = new Map(ids.map((id) => [id, 1]));
    const [first, locked, last] = ids as [string, string, string];
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM shipment_cancellation WHERE id = $1 FOR UPDATE', [locked]);

    let timer: NodeJS.Timeout | undefined;
    const renewed = await Promise.race([
      store.renew(held, 60_000),
      new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), 3_000))),
    ]);
    clearTimeout(timer);
    await locker.query('ROLLBACK');
    expect(renewed).toEqual(new Set([first, last]));
    expect(await leasedBeyond(30)).toEqual([first, last]);

    expect(await store.renew(held, 60_000)).toEqual(new Set(ids));
    expect(await leasedBeyond(30)).toEqual(ids);
  });

  it('leaves alone a row another claim took over (a newer attempt)', async () => {
    const store = new LeasesStore(dataSource);
    const [first] = ids as [string];
    await client.query('UPDATE shipment_cancellation SET attempts = 2 WHERE id = $1', [first]);
    expect(await store.renew(new Map([[first, 1]]), 60_000)).toEqual(new Set());
  });
});
