// A late shipment can turn an order's one-shipment cancel into a several-shipment one (manual reship) while the
// apply of the first shipment's result waits for the order's lock. The apply statement's snapshot predates that
// wait, so whatever it reads of the request is the old rule; the order must still be given its
// ManualReshipRequired once the last of its cancellations settles.
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { CancelOutcome } from '@oms/carrier-cancel';
import { EventTypes } from '@oms/events';
import { cancellationRow } from '../src/domain/testing';
import { CancellationProgress } from '../src/pipeline/apply/cancellation-progress';
import { OutcomeApplier } from '../src/pipeline/apply/outcome-applier.service';
import { loadConfig } from '../src/platform/config/config';
import { MetricsService } from '../src/platform/metrics/metrics.service';
import { createDataSource } from '../src/store/data-source';
import { lockOrdersSql } from '../src/store/order-lock';
import { OutboxWriter } from '../src/store/outbox.writer';
import { UnitOfWork } from '../src/store/unit-of-work';
import { recreateDatabase } from './support/database';

const ORDER = 'ord-race';

describe('ManualReshipRequired when a late shipment races the apply', () => {
  let dataSource: DataSource;
  let client: Client;
  let locker: Client;
  let applier: OutcomeApplier;
  let first: { id: string; requestId: string };

  beforeAll(async () => {
    const url = await recreateDatabase('oms_manual_reship_race_test');
    dataSource = await createDataSource(url, { poolSize: 2 }).initialize();
    await dataSource.runMigrations();
    client = new Client({ connectionString: url });
    locker = new Client({ connectionString: url });
    await Promise.all([client.connect(), locker.connect()]);
    const config = loadConfig({});
    const outbox = new OutboxWriter(config);
    applier = new OutcomeApplier(
      new UnitOfWork(dataSource, outbox),
      outbox,
      new CancellationProgress(),
      new MetricsService(),
      config,
    );

    // The cancel came when the order had one shipment; the second (bought before the cancel, projected after
    // it) has joined the request and is voided already. The first is still at the carrier.
    await client.query(
      `INSERT INTO shipment (id, order_id, carrier, carrier_shipment_id, seller_account, label_cost_amount,
                             label_cost_currency, purchased_at, status)
       VALUES ('s1', $1, 'amazon-shipping-v2', 'cs1', 'seller', 1, 'USD', now(), 'cancelling'),
              ('s2', $1, 'amazon-shipping-v2', 'cs2', 'seller', 1, 'USD', now(), 'cancelled')`,
      [ORDER],
    );
    const request = await client.query<{ id: string }>(
      `INSERT INTO cancellation_request (id, order_id, scope, trigger, actor, causation_id, correlation_id, rule,
                                         shipment_count, status)
       VALUES (gen_random_uuid(), $1, 'order', 'order_event', 'test', 'c', 'c', 'single_shipment', 1,
               'in_progress')
       RETURNING id`,
      [ORDER],
    );
    const requestId = request.rows[0]?.id as string;
    const rows = await client.query<{ id: string; shipment_id: string }>(
      `INSERT INTO shipment_cancellation (id, request_id, order_id, shipment_id, carrier, carrier_shipment_id,
                                          seller_account, reship_eligible, state, outcome, next_attempt_at,
                                          attempts, lease_until, completed_at)
       VALUES (gen_random_uuid(), $1, $2, 's1', 'amazon-shipping-v2', 'cs1', 'seller', true, 'in_flight', NULL,
               now(), 1, now() + interval '1 minute', NULL),
              (gen_random_uuid(), $1, $2, 's2', 'amazon-shipping-v2', 'cs2', 'seller', true, 'voided', 'voided',
               now(), 1, NULL, now())
       RETURNING id, shipment_id`,
      [requestId, ORDER],
    );
    first = { id: rows.rows.find((r) => r.shipment_id === 's1')?.id as string, requestId };
  });

  afterAll(async () => {
    await Promise.all([client?.end(), locker?.end()]);
    await dataSource?.destroy();
  });

  it('is given once the first shipment is voided, though the apply read the request before the recount', async () => {
    // The late shipment's transaction holds the order's lock while it recounts the request.
    await locker.query('BEGIN');
    await locker.query(lockOrdersSql(`(VALUES ($1::text)) AS t(o)`), [ORDER]);
    const applying = applier.apply([voided(first)]);
    await waitForLockWaiter(client);
    await locker.query(
      `UPDATE cancellation_request SET rule = 'multiple_shipments', shipment_count = 2 WHERE id = $1`,
      [first.requestId],
    );
    await locker.query('COMMIT');
    await applying;

    const request = await client.query<{ event: string | null; status: string }>(
      `SELECT manual_reship_event_id AS event, status FROM cancellation_request WHERE id = $1`,
      [first.requestId],
    );
    expect(request.rows[0]?.event).not.toBeNull();
    expect(request.rows[0]?.status).toBe('completed');
    const events = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_event WHERE event_type = $1 AND message_key = $2`,
      [EventTypes.manualReshipRequired, ORDER],
    );
    expect(events.rows[0]?.n).toBe(1);
  });
});

/** Waits until a session of this database waits for an advisory lock: the apply has started and is blocked. */
async function waitForLockWaiter(client: Client): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const waiting = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    if ((waiting.rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the apply never waited for the order lock');
}

/** The first shipment's cancel came back voided. */
function voided(first: { id: string; requestId: string }) {
  const row = cancellationRow({
    id: first.id,
    requestId: first.requestId,
    orderId: ORDER,
    shipmentId: 's1',
    carrierShipmentId: 'cs1',
  });
  const outcome: CancelOutcome = {
    kind: 'voided',
    api: 'amazon-shipping-v2',
    carrierShipmentId: 'cs1',
    attempts: 1,
    elapsedMs: 5,
  } as CancelOutcome;
  return { row, operation: 'cancel' as const, outcome, elapsedMs: 5, finishedAt: new Date() };
}
