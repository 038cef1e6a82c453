// The statements that find cancellations by id or by order must look them up that way whatever the
// statistics say. A queue table's statistics are always behind: ANALYZE saw few rows in a passing state, so
// the planner would rather read those rows through an index on the state, which still holds an entry for
// every row that passed through it since the last vacuum. Here the statistics say exactly that, and each
// statement's plan must not touch an index on the state.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { CloudEvent } from '@oms/events';
import { createDataSource } from '../src/store/data-source';
import { CLAIM_BY_IDS } from '../src/store/claims.store';
import { APPLY_OUTCOMES, applyOutcomesParams } from '../src/store/outcomes.store';
import { AWAITING_MANUAL_RESHIP } from '../src/store/progress.store';
import { AWAITING_CARRIER } from '../src/domain/cancellation';
import { recreateDatabase } from './support/database';

const STATE_INDEXES = [
  'shipment_cancellation_state_idx',
  'shipment_cancellation_due_idx',
  'shipment_cancellation_lease_idx',
];
const ROWS = 5_000;

interface PlanNode {
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function indexesOf(node: PlanNode): string[] {
  return [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexesOf)];
}

describe('statements keyed by id or order', () => {
  let url: string;
  let dataSource: DataSource;
  let client: Client;
  /** Five cancellations of two orders (of 20 shipments each), taken after statistics that say nearly every row is voided. */
  let picked: Array<{ id: string; order_id: string }>;

  beforeAll(async () => {
    url = await recreateDatabase('oms_cancellation_plans_test');
    dataSource = await createDataSource(url, { poolSize: 1 }).initialize();
    await dataSource.runMigrations();
    client = new Client({ connectionString: url });
    await client.connect();
    await client.query(
      `INSERT INTO shipment (id, order_id, carrier, carrier_shipment_id, seller_account, label_cost_amount,
                             label_cost_currency, purchased_at, status)
       SELECT 'shp-' || i, 'ord-' || (i / 20), 'amazon-shipping-v2', 'cs-' || i, 'seller', 1, 'USD', now(),
              'cancelled'
         FROM generate_series(1, $1::int) AS i`,
      [ROWS],
    );
    await client.query(
      `INSERT INTO cancellation_request (id, order_id, scope, trigger, actor, causation_id, correlation_id, rule,
                                         shipment_count, status)
       SELECT gen_random_uuid(), 'ord-' || i, 'order', 'order_event', 'test', 'c', 'c', 'multiple_shipments', 2,
              'in_progress'
         FROM generate_series(0, $1::int / 20) AS i`,
      [ROWS],
    );
    await client.query(
      `INSERT INTO shipment_cancellation (id, request_id, order_id, shipment_id, carrier, carrier_shipment_id,
                                          seller_account, reship_eligible, state, next_attempt_at)
       SELECT gen_random_uuid(), r.id, s.order_id, s.id, s.carrier, s.carrier_shipment_id, s.seller_account, false,
              CASE WHEN n % 1000 = 0 THEN 'in_flight' WHEN n % 1000 = 1 THEN 'pending' ELSE 'voided' END, now()
         FROM (SELECT s.*, row_number() OVER (ORDER BY s.id) AS n FROM shipment s) s
         JOIN cancellation_request r ON r.order_id = s.order_id`,
    );
    await client.query('ANALYZE');
    picked = (
      await client.query<{ id: string; order_id: string }>(
        `SELECT id, order_id FROM shipment_cancellation WHERE order_id IN ('ord-100', 'ord-200')
          ORDER BY id LIMIT 5`,
      )
    ).rows;
  });

  afterAll(async () => {
    await client?.end();
    await dataSource?.destroy();
  });

  /** Plans the statement with these values: it must use `index` and no index on the state. */
  async function expectKeyedBy(sql: string, values: unknown[], index: string): Promise<void> {
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      values,
    );
    const indexes = indexesOf(rows[0]?.['QUERY PLAN'][0]?.Plan ?? {});
    expect(indexes).toContain(index);
    expect(indexes.filter((i) => STATE_INDEXES.includes(i))).toEqual([]);
  }

  it('the worker claims offered cancellations through their primary key', async () => {
    await expectKeyedBy(CLAIM_BY_IDS, [picked.map((p) => p.id), 30_000], 'shipment_cancellation_pkey');
  });

  it('results are applied to the cancellations through their primary key', async () => {
    const now = new Date();
    const answer = { carrierRequestId: null, httpStatus: 200, errorCode: null, errorMessage: null };
    const values = applyOutcomesParams({
      updates: picked.map((p) => ({
        id: p.id,
        attempts: 1,
        state: 'voided',
        outcome: 'voided',
        failureReason: null,
        requiresManualAction: false,
        refundStatus: null,
        nextAttemptAt: null,
        completedAt: now,
        possiblySent: false,
        ...answer,
        errorDetails: null,
        eventSequence: 1,
        lastFinalEventId: null,
        shipmentStatus: 'cancelled',
      })),
      attempts: picked.map((p) => ({
        shipmentCancellationId: p.id,
        attempt: 1,
        operation: 'cancel',
        outcome: 'voided',
        ...answer,
        tries: 1,
        elapsedMs: 3,
        finishedAt: now,
      })),
      events: picked.map((p) => ({
        ownerId: p.id,
        topic: 'oms.shipment.cancelled.v1',
        key: p.order_id,
        event: { id: randomUUID(), type: 'ShipmentCancelled' } as unknown as CloudEvent<unknown>,
      })),
      orderIds: picked.map((p) => p.order_id),
      now,
    });
    // One array per update column (the event's sequence and final id included), then the rest.
    expect(values).toHaveLength(37);
    await expectKeyedBy(APPLY_OUTCOMES, values, 'shipment_cancellation_pkey');
  });

  it("an order's unsettled shipments are looked up by order", async () => {
    await expectKeyedBy(
      AWAITING_MANUAL_RESHIP,
      [[...new Set(picked.map((p) => p.order_id))], AWAITING_CARRIER],
      'shipment_cancellation_order_idx',
    );
  });
});
