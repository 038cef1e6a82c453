// The fault suite's short variant, inside `npm test`: 1,000 OrderCancelled with duplicates, poison messages and
// late ShipmentPurchased, the service SIGKILLed 3 times while carrier faults and 429 storms run; then the
// offline checker must find nothing. The broker kill and Postgres restart stay in `npm run test:faults` (they
// would cut every other user of the shared broker and server); FAULTS_E2E_INFRA=1 adds them here too.
import type { TopicRecord } from './support/kafka-topics';
import { checkRun, printReport } from './faults/checker';
import { type CheckInput, check } from './faults/checker-rules';
import { runFaults } from './faults/fault-run';
import { deleteTopics } from './support/stack';

const infra = process.env['FAULTS_E2E_INFRA'] === '1';

describe('fault suite (short)', () => {
  it('keeps one outcome per shipment, one carrier cancel, every poison message dead-lettered', async () => {
    const { dir, manifest } = await runFaults({
      seed: process.env['FAULTS_E2E_SEED'] ?? 'e2e',
      orders: 1_000,
      kills: 3,
      brokerKill: infra,
      postgresRestart: infra,
      carrierFaults: true,
      partitions: 3,
      database: 'oms_cancellation_faults_test',
      settleTimeoutS: 90,
      quiet: true,
    });
    const report = await checkRun(dir);
    if (!report.ok) printReport(report);

    expect(manifest.kills).toBe(3);
    expect(manifest.settled).toBe(true);
    expect(manifest.unexpectedExits).toEqual([]);
    expect(report.stats['inputs.poison']).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    // Passed: its topics would only slow the shared broker down for later runs (a failing run keeps them).
    await deleteTopics(Object.values(manifest.topics));
  }, 300_000);
});

// The checker must not pass vacuously: a clean little history passes, and each planted fault is caught.
describe('fault checker', () => {
  const topics = {
    orderCancelled: 'in.oc',
    shipmentPurchased: 'in.sp',
    shipmentCancelled: 'out.sc',
    manualReshipRequired: 'out.mrr',
    shipmentCancellationFailed: 'out.scf',
    deadLetter: 'out.dlq',
  };
  const record = (topic: string, offset: number, key: string | null, value: unknown): TopicRecord => ({
    topic,
    partition: 0,
    offset: String(offset),
    key,
    value: Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value)),
    timestamp: 0,
  });
  const cancelled = (id: string, outcome = 'voided') =>
    record(topics.shipmentCancelled, 0, 'o1', {
      id,
      type: 'oms.shipment.cancelled',
      data: {
        orderId: 'o1',
        shipmentId: 'o1-s1',
        causationId: 'e1',
        cancellationId: 'c1',
        outcome,
        final: true,
        reshipEligible: true,
      },
    });
  const poison = Buffer.from('{"not json');
  const history = (): CheckInput => ({
    orders: [
      {
        orderId: 'o1',
        kind: 'single',
        shipments: [
          {
            shipmentId: 'o1-s1',
            carrierShipmentId: 'cs1',
            api: 'amazon-shipping-v2',
            sellerAccount: 'a',
            late: false,
            windowExpired: false,
          },
        ],
      },
    ],
    log: [
      {
        seq: 0,
        kind: 'poison',
        topic: topics.orderCancelled,
        key: null,
        poison: 'not_json',
        valueBase64: poison.toString('base64'),
        attempts: 1,
        at: '',
      },
    ],
    inputs: [
      record(topics.orderCancelled, 0, 'o1', { id: 'e1', data: { orderId: 'o1' } }),
      record(topics.shipmentPurchased, 0, 'o1', { id: 'p1', data: { orderId: 'o1', shipmentId: 'o1-s1' } }),
      record(topics.orderCancelled, 1, null, poison),
    ],
    outputs: [
      cancelled('x1'),
      record(topics.deadLetter, 0, null, {
        id: 'd1',
        type: 'oms.shipment-cancellation.dead-letter',
        data: {
          source: { topic: topics.orderCancelled, partition: 0, offset: '1' },
          payload: { base64: poison.toString('base64') },
        },
      }),
    ],
    topics,
    cancellations: [
      {
        id: 'c1',
        shipmentId: 'o1-s1',
        orderId: 'o1',
        state: 'voided',
        outcome: 'voided',
        failureReason: null,
        completed: true,
      },
    ],
    outbox: [
      { eventId: 'x1', topic: topics.shipmentCancelled, published: true },
      { eventId: 'd1', topic: topics.deadLetter, published: true },
    ],
    carrier: { perShipment: { cs1: 1 }, shipments: [{ carrierShipmentId: 'cs1', status: 'Voided' }] },
  });
  const categories = (input: CheckInput) =>
    [...new Set(check(input).violations.map((v) => v.category))].sort();

  it('passes a clean history, and re-sent copies of one event count once', () => {
    const input = history();
    input.outputs.push(cancelled('x1'));
    expect(check(input).violations).toEqual([]);
  });

  it('catches a second distinct outcome, a lost poison message, an orphan output, a double cancel, a db mismatch', () => {
    const duplicate = history();
    duplicate.outputs.push(cancelled('x2'));
    expect(categories(duplicate)).toEqual(['duplicate_outcome', 'output_disagrees_with_db']);

    const lostPoison = history();
    lostPoison.outputs = lostPoison.outputs.filter((r) => r.topic !== topics.deadLetter);
    lostPoison.outbox = lostPoison.outbox.filter((r) => r.eventId !== 'd1');
    expect(categories(lostPoison)).toEqual(['poison_not_in_dlq']);

    const orphan = history();
    orphan.inputs = orphan.inputs.filter((r) => r.topic !== topics.orderCancelled || r.key !== 'o1');
    expect(categories(orphan)).toContain('output_without_input');

    const doubleCancel = history();
    doubleCancel.carrier.perShipment['cs1'] = 2;
    expect(categories(doubleCancel)).toEqual(['double_carrier_cancel']);

    const mismatch = history();
    mismatch.cancellations = [
      {
        id: 'c1',
        shipmentId: 'o1-s1',
        orderId: 'o1',
        state: 'failed',
        outcome: null,
        failureReason: 'not_found',
        completed: true,
      },
    ];
    expect(categories(mismatch)).toEqual(['output_disagrees_with_db']);

    const missing = history();
    missing.outputs = missing.outputs.filter((r) => r.topic !== topics.shipmentCancelled);
    missing.outbox = missing.outbox.filter((r) => r.eventId !== 'x1');
    expect(categories(missing)).toEqual(['missing_outcome']);
  });
});
