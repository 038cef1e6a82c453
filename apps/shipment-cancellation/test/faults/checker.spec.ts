import { createHash } from 'node:crypto';
// The fault checker must not pass vacuously: a small clean run passes, and for every category a run with that
// one fault planted is reported under it, by the branch of the rule the fault is meant for.
import type { TopicRecord } from '../support/kafka-topics';
import { type CheckReport, printReport } from './checker';
import { CATEGORIES, type Category, type CheckInput, type DbCancellation, check } from './checker-rules';
import type { FaultShipment } from './fault-workload';

const topics = {
  orderCancelled: 'in.oc',
  shipmentPurchased: 'in.sp',
  shipmentCancelled: 'out.sc',
  manualReshipRequired: 'out.mrr',
  shipmentCancellationFailed: 'out.scf',
  deadLetter: 'out.dlq',
};
const CANCELLED = 'oms.shipment.cancelled';
const FAILED = 'oms.shipment.cancellation-failed';
const RESHIP = 'oms.order.manual-reship-required';
const DLQ = 'oms.shipment-cancellation.dead-letter';

type Data = Record<string, unknown>;
const poison = Buffer.from('{"not json');

const record = (topic: string, offset: number, key: string | null, value: Buffer | object): TopicRecord => ({
  topic,
  partition: 0,
  offset: String(offset),
  key,
  value: Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value)),
  timestamp: 0,
});
const orderCancelled = (offset: number, id: string, orderId: string) =>
  record(topics.orderCancelled, offset, orderId, { id, data: { orderId } });
const purchased = (
  offset: number,
  id: string,
  orderId: string,
  shipmentId: string,
  amount: string,
  currency: string,
) =>
  record(topics.shipmentPurchased, offset, orderId, {
    id,
    data: { orderId, shipmentId, labelCost: { amount, currency } },
  });
const output = (topic: string, type: string, id: string, data: Data) =>
  record(topic, 0, (data['orderId'] as string | undefined) ?? null, { id, type, data });
const shipmentOutput = (
  type: typeof CANCELLED | typeof FAILED,
  id: string,
  data: Data & { orderId: string; shipmentId: string },
) =>
  output(type === CANCELLED ? topics.shipmentCancelled : topics.shipmentCancellationFailed, type, id, data);
const shipment = (shipmentId: string, carrierShipmentId: string, more: Partial<FaultShipment> = {}) => ({
  shipmentId,
  carrierShipmentId,
  api: 'amazon-shipping-v2' as const,
  sellerAccount: 'a',
  late: false,
  windowExpired: false,
  ...more,
});
const row = (
  id: string,
  orderId: string,
  shipmentId: string,
  state: string,
  failureReason: string | null = null,
) => ({
  id,
  shipmentId,
  orderId,
  state,
  outcome: state === 'failed' ? null : state,
  failureReason,
  completed: true,
});
const refund = (amount: string, currency: string, status = 'applied') => ({ amount, currency, status });

/**
 * A clean run: o1 one shipment (voided), o2 two (a Shipping v2 one voided; an MFN one refund_pending, then
 * voided), o3 none, o4 a window expired (failed), o5 one late purchase (voided) and one late label never
 * purchased, k1 a control order never cancelled, and one poison message dead-lettered.
 * Refund amounts are written the service's way ("5.50" for "5.5", "12.00" for "12").
 */
function history(): CheckInput {
  return {
    orders: [
      { orderId: 'o1', kind: 'single', shipments: [shipment('o1-s1', 'cs11')] },
      {
        orderId: 'o2',
        kind: 'multi',
        shipments: [shipment('o2-s1', 'cs21'), shipment('o2-s2', 'cs22', { api: 'amazon-mfn-mws' })],
      },
      { orderId: 'o3', kind: 'none', shipments: [] },
      { orderId: 'o4', kind: 'expired', shipments: [shipment('o4-s1', 'cs41', { windowExpired: true })] },
      {
        orderId: 'o5',
        kind: 'late',
        shipments: [shipment('o5-s1', 'cs51', { late: true }), shipment('o5-s2', 'cs52', { late: true })],
      },
      { orderId: 'k1', kind: 'control', shipments: [shipment('k1-s1', 'ck11')] },
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
      purchased(0, 'p11', 'o1', 'o1-s1', '5.25', 'USD'),
      purchased(1, 'p21', 'o2', 'o2-s1', '5.5', 'USD'),
      purchased(2, 'p22', 'o2', 'o2-s2', '12', 'EUR'),
      purchased(3, 'p41', 'o4', 'o4-s1', '7.10', 'GBP'),
      purchased(4, 'pk1', 'k1', 'k1-s1', '5.25', 'USD'),
      orderCancelled(0, 'e1', 'o1'),
      orderCancelled(1, 'e2', 'o2'),
      orderCancelled(2, 'e3', 'o3'),
      orderCancelled(3, 'e4', 'o4'),
      orderCancelled(4, 'e5', 'o5'),
      record(topics.orderCancelled, 5, null, poison),
      purchased(5, 'p51', 'o5', 'o5-s1', '3.00', 'USD'),
    ],
    outputs: [
      shipmentOutput(CANCELLED, 'x11', {
        sequence: 1,
        orderId: 'o1',
        shipmentId: 'o1-s1',
        causationId: 'e1',
        cancellationId: 'c11',
        outcome: 'voided',
        final: true,
        reshipEligible: true,
        labelRefund: refund('5.25', 'USD'),
      }),
      shipmentOutput(CANCELLED, 'x21', {
        sequence: 1,
        orderId: 'o2',
        shipmentId: 'o2-s1',
        causationId: 'e2',
        cancellationId: 'c21',
        outcome: 'voided',
        final: true,
        reshipEligible: false,
        labelRefund: refund('5.50', 'USD'),
      }),
      shipmentOutput(CANCELLED, 'x22p', {
        sequence: 1,
        orderId: 'o2',
        shipmentId: 'o2-s2',
        causationId: 'e2',
        cancellationId: 'c22',
        outcome: 'refund_pending',
        final: false,
        reshipEligible: false,
        labelRefund: refund('12.00', 'EUR', 'pending'),
      }),
      shipmentOutput(CANCELLED, 'x22', {
        sequence: 2,
        orderId: 'o2',
        shipmentId: 'o2-s2',
        causationId: 'e2',
        cancellationId: 'c22',
        outcome: 'voided',
        final: true,
        reshipEligible: false,
        labelRefund: refund('12.00', 'EUR'),
      }),
      output(topics.manualReshipRequired, RESHIP, 'm2', { orderId: 'o2', causationId: 'e2' }),
      shipmentOutput(FAILED, 'x41', {
        sequence: 1,
        orderId: 'o4',
        shipmentId: 'o4-s1',
        causationId: 'e4',
        cancellationId: 'c41',
        reason: 'window_expired',
        reshipEligible: false,
        labelRefund: refund('7.10', 'GBP', 'none'),
      }),
      shipmentOutput(CANCELLED, 'x51', {
        sequence: 1,
        orderId: 'o5',
        shipmentId: 'o5-s1',
        causationId: 'e5',
        cancellationId: 'c51',
        outcome: 'voided',
        final: true,
        reshipEligible: true,
        labelRefund: refund('3.00', 'USD'),
      }),
      output(topics.deadLetter, DLQ, 'd1', {
        source: { topic: topics.orderCancelled, partition: 0, offset: '5' },
        payload: { base64: poison.toString('base64') },
      }),
    ],
    topics,
    cancellations: [
      row('c11', 'o1', 'o1-s1', 'voided'),
      row('c21', 'o2', 'o2-s1', 'voided'),
      row('c22', 'o2', 'o2-s2', 'voided'),
      row('c41', 'o4', 'o4-s1', 'failed', 'window_expired'),
      row('c51', 'o5', 'o5-s1', 'voided'),
    ],
    outbox: ['x11', 'x21', 'x22p', 'x22', 'm2', 'x41', 'x51', 'd1'].map((eventId) => ({
      eventId,
      topic: 'out',
      published: true,
    })),
    carrier: {
      perShipment: { cs11: 1, cs21: 1, cs22: 1, cs51: 1 },
      shipments: [
        { carrierShipmentId: 'cs11', status: 'Voided' },
        { carrierShipmentId: 'cs21', status: 'Voided' },
        { carrierShipmentId: 'cs22', status: 'RefundApplied' },
        { carrierShipmentId: 'cs41', status: 'Purchased' },
        { carrierShipmentId: 'cs51', status: 'Voided' },
        { carrierShipmentId: 'cs52', status: 'Purchased' },
        { carrierShipmentId: 'ck11', status: 'Purchased' },
      ],
      overLimit: {},
      overLimitExcused: {},
    },
  };
}

// Editing the history: the data of an output, an input or a row by its id.
function dataOf(records: TopicRecord[], id: string): Data {
  const index = records.findIndex((r) => (JSON.parse(r.value.toString('utf8')) as { id?: string }).id === id);
  if (index < 0) throw new Error(`no record ${id}`);
  const at = records[index] as TopicRecord;
  const event = JSON.parse(at.value.toString('utf8')) as { data: Data };
  // The returned object is written back when the test changes it: records hold bytes.
  return new Proxy(event.data, {
    set(target, key, value) {
      Reflect.set(target, key, value);
      records[index] = { ...at, value: Buffer.from(JSON.stringify(event)) };
      return true;
    },
    deleteProperty(target, key) {
      Reflect.deleteProperty(target, key);
      records[index] = { ...at, value: Buffer.from(JSON.stringify(event)) };
      return true;
    },
  });
}
const outputData = (h: CheckInput, id: string) => dataOf(h.outputs, id);
const withoutOutput = (h: CheckInput, id: string) => {
  h.outputs = h.outputs.filter((r) => !r.value.toString('utf8').includes(`"id":"${id}"`));
  h.outbox = h.outbox.filter((r) => r.eventId !== id);
};
const addOutput = (h: CheckInput, r: TopicRecord) => {
  h.outputs.push(r);
  h.outbox.push({
    eventId: (JSON.parse(r.value.toString('utf8')) as { id: string }).id,
    topic: r.topic,
    published: true,
  });
};
const cancellation = (h: CheckInput, id: string): DbCancellation => {
  const found = h.cancellations.find((c) => c.id === id);
  if (!found) throw new Error(`no cancellation ${id}`);
  return found;
};
const shipmentOf = (h: CheckInput, shipmentId: string): FaultShipment => {
  const found = h.orders.flatMap((o) => o.shipments).find((s) => s.shipmentId === shipmentId);
  if (!found) throw new Error(`no shipment ${shipmentId}`);
  return found;
};
const carrierStatus = (h: CheckInput, carrierShipmentId: string, status: string) => {
  h.carrier.shipments = h.carrier.shipments.map((s) =>
    s.carrierShipmentId === carrierShipmentId ? { ...s, status } : s,
  );
};

const categoriesOf = (input: CheckInput) =>
  [...new Set(check(input).violations.map((v) => v.category))].sort();

interface Planted {
  category: Category;
  fault: string;
  plant: (h: CheckInput) => void;
  /** What the rule must say: tells its branch from the category's other branches. */
  detail: RegExp;
  /** Categories the same fault also breaks, by nature. */
  also?: Category[];
}

const planted: Planted[] = [
  {
    category: 'missing_outcome',
    fault: 'a cancelled shipment without any terminal output',
    plant: (h) => withoutOutput(h, 'x11'),
    detail:
      /^shipment o1-s1 \(amazon-shipping-v2\) of order o1 has no terminal outcome \(db: voided, completed\)$/,
  },
  {
    category: 'duplicate_outcome',
    fault: 'a second distinct terminal output for one shipment',
    plant: (h) =>
      addOutput(
        h,
        shipmentOutput(CANCELLED, 'x11b', {
          ...outputData(history(), 'x11'),
          // A later event of the copied one's cancellation: only this rule's fault is planted.
          sequence: 2,
          orderId: 'o1',
          shipmentId: 'o1-s1',
        }),
      ),
    detail: /^shipment o1-s1 has 2 distinct terminal outcomes/,
  },
  {
    category: 'duplicate_outcome',
    fault: 'a second distinct refund_pending for one shipment',
    plant: (h) =>
      addOutput(
        h,
        shipmentOutput(CANCELLED, 'x22p2', {
          ...outputData(history(), 'x22p'),
          // A later event of the copied one's cancellation: only this rule's fault is planted.
          sequence: 3,
          orderId: 'o2',
          shipmentId: 'o2-s2',
        }),
      ),
    detail: /^shipment o2-s2 has 2 distinct refund_pending/,
  },
  {
    category: 'duplicate_outcome',
    fault: 'a poison message dead-lettered twice',
    plant: (h) => addOutput(h, output(topics.deadLetter, DLQ, 'd2', outputData(history(), 'd1'))),
    detail: /^poison message at in\.oc\/0\/5 has 2 distinct DLQ records$/,
  },
  {
    category: 'double_carrier_cancel',
    fault: 'a shipment cancelled twice at the carrier',
    plant: (h) => (h.carrier.perShipment['cs11'] = 2),
    detail: /^shipment o1-s1 \(amazon-shipping-v2 cs11\) was cancelled 2 times at the carrier$/,
  },
  {
    category: 'carrier_cancel_without_input',
    fault: "a control order's shipment cancelled at the carrier",
    plant: (h) => (h.carrier.perShipment['ck11'] = 1),
    detail: /^shipment k1-s1 of control order k1 was cancelled at the carrier$/,
  },
  {
    category: 'carrier_cancel_without_input',
    fault: 'a late label never purchased cancelled at the carrier',
    plant: (h) => (h.carrier.perShipment['cs52'] = 1),
    detail: /^shipment o5-s2 of late order o5 was cancelled at the carrier$/,
  },
  {
    category: 'poison_not_in_dlq',
    fault: 'a poison message with no DLQ record',
    plant: (h) => withoutOutput(h, 'd1'),
    detail: /^poison message at in\.oc\/0\/5 is not in the DLQ$/,
  },
  {
    category: 'output_without_input',
    fault: 'a valid input dead-lettered',
    plant: (h) =>
      addOutput(
        h,
        output(topics.deadLetter, DLQ, 'd2', {
          source: { topic: topics.orderCancelled, partition: 0, offset: '0' },
          payload: { base64: (h.inputs[5] as TopicRecord).value.toString('base64') },
        }),
      ),
    detail: /^DLQ record d2 for in\.oc\/0\/0, which is not a poison message/,
  },
  {
    category: 'output_without_input',
    fault: 'a DLQ record carrying other bytes than the poison message',
    plant: (h) => (outputData(h, 'd1')['payload'] = { base64: Buffer.from('other').toString('base64') }),
    detail: /^DLQ record d1 for in\.oc\/0\/5 carries other bytes than the message$/,
  },
  {
    category: 'output_without_input',
    fault: 'a truncated DLQ record whose digest is not the poison message',
    plant: (h) =>
      (outputData(h, 'd1')['payload'] = {
        base64: null,
        sha256: createHash('sha256').update('other').digest('hex'),
      }),
    detail: /^DLQ record d1 for in\.oc\/0\/5 carries other bytes than the message$/,
  },
  {
    category: 'output_without_input',
    fault: 'an output for an order never cancelled',
    plant: (h) =>
      addOutput(
        h,
        shipmentOutput(CANCELLED, 'xk1', {
          ...outputData(history(), 'x11'),
          // A later event of the copied one's cancellation: only this rule's fault is planted.
          sequence: 2,
          orderId: 'k1',
          shipmentId: 'k1-s1',
        }),
      ),
    detail: /^oms\.shipment\.cancelled xk1 for order k1, which was never cancelled$/,
  },
  {
    category: 'output_without_input',
    fault: "an output caused by another order's OrderCancelled",
    plant: (h) => (outputData(h, 'x11')['causationId'] = 'e2'),
    detail:
      /^oms\.shipment\.cancelled x11 of order o1 has causationId e2, not an OrderCancelled of that order$/,
  },
  {
    category: 'output_without_input',
    fault: 'an output keyed by another order',
    plant: (h) => {
      const i = h.outputs.findIndex((r) => r.value.toString('utf8').includes('"id":"x11"'));
      h.outputs[i] = { ...(h.outputs[i] as TopicRecord), key: 'o2' };
    },
    detail: /^oms\.shipment\.cancelled x11 keyed o2, not by its order o1$/,
  },
  {
    category: 'output_without_input',
    fault: 'an output for a shipment of another order',
    plant: (h) =>
      addOutput(
        h,
        shipmentOutput(CANCELLED, 'x19', {
          ...outputData(history(), 'x11'),
          // A later event of the copied one's cancellation: only this rule's fault is planted.
          sequence: 2,
          orderId: 'o1',
          shipmentId: 'o2-s1',
        }),
      ),
    detail: /^oms\.shipment\.cancelled x19 for shipment o2-s1, not a shipment of order o1$/,
  },
  {
    category: 'output_without_input',
    fault: 'an output for a late label never purchased',
    plant: (h) =>
      addOutput(
        h,
        shipmentOutput(CANCELLED, 'x52', {
          ...outputData(history(), 'x51'),
          orderId: 'o5',
          shipmentId: 'o5-s2',
          cancellationId: 'c52',
        }),
      ),
    detail: /^oms\.shipment\.cancelled x52 for shipment o5-s2, which was never purchased$/,
  },
  {
    category: 'output_disagrees_with_db',
    fault: 'a terminal output without its cancellation row',
    plant: (h) => (h.cancellations = h.cancellations.filter((c) => c.id !== 'c11')),
    detail: /^cancelled\(voided\) x11 for o1-s1: no shipment_cancellation row$/,
  },
  {
    category: 'output_disagrees_with_db',
    fault: 'a terminal output naming another cancellation',
    plant: (h) => (outputData(h, 'x11')['cancellationId'] = 'c99'),
    detail: /^cancelled\(voided\) x11 names cancellation c99, the row is c11$/,
  },
  {
    category: 'output_disagrees_with_db',
    fault: 'a failure whose reason the row does not have',
    plant: (h) => (cancellation(h, 'c41').failureReason = 'not_found'),
    detail: /^cancellation-failed\(window_expired\) x41 for o4-s1, db says failed\/not_found$/,
  },
  {
    category: 'output_disagrees_with_db',
    fault: 'an outcome the row does not have',
    plant: (h) =>
      Object.assign(cancellation(h, 'c11'), { state: 'already_cancelled', outcome: 'already_cancelled' }),
    detail: /^cancelled\(voided\) x11 for o1-s1, db says already_cancelled\/already_cancelled$/,
  },
  {
    category: 'output_disagrees_with_db',
    fault: 'an outbox row marked published that is not in Kafka',
    plant: (h) => h.outbox.push({ eventId: 'x99', topic: topics.shipmentCancelled, published: true }),
    detail: /^outbox event x99 is marked published but is not in out\.sc$/,
  },
  {
    category: 'output_disagrees_with_db',
    fault: 'an output in Kafka with no outbox row',
    plant: (h) => (h.outbox = h.outbox.filter((r) => r.eventId !== 'x11')),
    detail: /^output x11 in Kafka has no outbox row$/,
  },
  {
    category: 'manual_reship',
    fault: 'a multi-shipment order without ManualReshipRequired',
    plant: (h) => withoutOutput(h, 'm2'),
    detail: /^order o2 with 2 shipments has 0 distinct ManualReshipRequired$/,
  },
  {
    category: 'manual_reship',
    fault: 'a one-shipment order with a ManualReshipRequired',
    plant: (h) =>
      addOutput(h, output(topics.manualReshipRequired, RESHIP, 'm1', { orderId: 'o1', causationId: 'e1' })),
    detail: /^order o1 with 1 shipment\(s\) has 1 ManualReshipRequired$/,
  },
  {
    category: 'output_for_order_without_shipments',
    fault: 'an output for an order with no shipment',
    plant: (h) =>
      addOutput(h, output(topics.manualReshipRequired, RESHIP, 'm3', { orderId: 'o3', causationId: 'e3' })),
    detail: /^oms\.order\.manual-reship-required m3 for order o3, which has no shipment$/,
    also: ['manual_reship'],
  },
  {
    category: 'not_terminal',
    fault: 'a cancellation left open',
    plant: (h) =>
      h.cancellations.push({ ...row('c99', 'o9', 'o9-s1', 'in_flight'), outcome: null, completed: false }),
    detail: /^cancellation c99 of shipment o9-s1 is still in_flight$/,
  },
  {
    category: 'not_terminal',
    fault: 'an outbox row never marked published',
    plant: (h) => ((h.outbox.find((r) => r.eventId === 'x11') as { published: boolean }).published = false),
    detail: /^outbox event x11 was never published$/,
  },
  {
    category: 'outcome_contradicts_carrier',
    fault: 'voided reported for a label whose window had expired',
    plant: (h) => (shipmentOf(h, 'o1-s1').windowExpired = true),
    detail:
      /^shipment o1-s1 \(amazon-shipping-v2\) reported voided \(event x11\), the carrier's final status is Voided$/,
  },
  {
    category: 'outcome_contradicts_carrier',
    fault: 'voided reported while the carrier has not applied the MFN refund',
    plant: (h) => carrierStatus(h, 'cs22', 'RefundPending'),
    detail:
      /^shipment o2-s2 \(amazon-mfn-mws\) reported voided \(event x22\), the carrier's final status is RefundPending$/,
  },
  {
    category: 'wrong_reship_flag',
    fault: 'a one-shipment order not reship-eligible',
    plant: (h) => (outputData(h, 'x11')['reshipEligible'] = false),
    detail: /^shipment o1-s1 of a 1-shipment order has reshipEligible false$/,
  },
  {
    category: 'wrong_reship_flag',
    fault: 'a shipment of a two-shipment order reship-eligible',
    plant: (h) => (outputData(h, 'x21')['reshipEligible'] = true),
    detail: /^shipment o2-s1 of a 2-shipment order has reshipEligible true$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'a refund in another currency than the label cost',
    plant: (h) => (outputData(h, 'x11')['labelRefund'] = refund('5.25', 'EUR')),
    detail: /^cancelled\(voided\) x11 for o1-s1 refunds 5\.25 EUR, the label cost 5\.25 USD$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'a refund of another amount than the label cost',
    plant: (h) => (outputData(h, 'x21')['labelRefund'] = refund('5.05', 'USD')),
    detail: /^cancelled\(voided\) x21 for o2-s1 refunds 5\.05 USD, the label cost 5\.5 USD$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'a refund_pending (final: false) of another amount',
    plant: (h) => (outputData(h, 'x22p')['labelRefund'] = refund('1.20', 'EUR', 'pending')),
    detail: /^cancelled\(refund_pending\) x22p for o2-s2 refunds 1\.20 EUR, the label cost 12 EUR$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'a ShipmentCancellationFailed whose refund names another currency',
    plant: (h) => (outputData(h, 'x41')['labelRefund'] = refund('7.10', 'USD', 'none')),
    detail:
      /^cancellation-failed\(window_expired\) x41 for o4-s1 refunds 7\.10 USD, the label cost 7\.10 GBP$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'a ShipmentCancelled without labelRefund',
    plant: (h) => delete outputData(h, 'x11')['labelRefund'],
    detail: /^cancelled\(voided\) x11 for o1-s1 carries no labelRefund$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'a refund amount that is no decimal string',
    plant: (h) => (outputData(h, 'x11')['labelRefund'] = { ...refund('5.25', 'USD'), amount: 5.25 }),
    detail: /^cancelled\(voided\) x11 for o1-s1 refunds 5\.25 USD, the label cost 5\.25 USD$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'a refund amount on a refund that is not applied',
    plant: (h) =>
      (outputData(h, 'x22p')['refund'] = {
        status: 'pending',
        amount: '12',
        currency: 'EUR',
        source: 'label_cost',
      }),
    detail: /^cancelled\(refund_pending\) x22p for o2-s2 has refund\.status pending with an amount$/,
  },
  {
    category: 'refund_disagrees_with_input',
    fault: 'an applied refund that books another amount than the label cost',
    plant: (h) =>
      (outputData(h, 'x11')['refund'] = {
        status: 'applied',
        amount: '5.2',
        currency: 'USD',
        source: 'label_cost',
      }),
    detail: /^cancelled\(voided\) x11 for o1-s1 books a refund of 5\.2 USD, not the label cost$/,
  },
  {
    category: 'sequence_out_of_order',
    fault: "a cancellation's later event with a lower sequence",
    plant: (h) => (outputData(h, 'x22p')['sequence'] = 3),
    detail: /^cancellation c22: x22 \(sequence 2\) was published after x22p \(sequence 3\)$/,
  },
  {
    category: 'bad_supersedes',
    fault: "a supersedes naming another cancellation's event",
    plant: (h) => (outputData(h, 'x22')['supersedes'] = 'x11'),
    detail: /^cancellation c22: x22 supersedes x11, not an earlier event of it$/,
  },
  {
    category: 'bad_supersedes',
    fault: 'a supersedes naming a later event',
    plant: (h) => (outputData(h, 'x22p')['supersedes'] = 'x22'),
    detail: /^cancellation c22: x22p supersedes x22, not an earlier event of it$/,
  },
  {
    category: 'over_carrier_limit',
    fault: 'an MFN v0 cancel sent beyond its rate and burst',
    plant: (h) => (h.carrier.overLimit['amazon-mfn-v0.cancelShipment|a'] = 1),
    detail: /^amazon-mfn-v0\.cancelShipment\|a: 1 request\(s\) beyond its rate and burst$/,
  },
  {
    category: 'over_carrier_limit',
    fault: 'more Shipping v2 requests over the limit than the squeeze excuses',
    plant: (h) => {
      h.carrier.overLimit['amazon-shipping-v2.cancelShipment|a'] = 3;
      h.carrier.overLimitExcused['amazon-shipping-v2.cancelShipment|a'] = 2;
    },
    detail:
      /^amazon-shipping-v2\.cancelShipment\|a: 1 request\(s\) beyond its rate and burst \(3 counted, 2 excused during the rate-limit squeeze\)$/,
  },
];

describe('fault checker rules', () => {
  it('passes the clean run, and checks every refund in it', () => {
    const { violations, stats } = check(history());
    expect(violations).toEqual([]);
    expect(stats['refunds.checked']).toBe(6);
    expect(stats['shipments.expected']).toBe(5);
  });

  it('accepts a supersedes of an earlier event of the same cancellation, and a re-sent copy out of order', () => {
    const input = history();
    outputData(input, 'x22')['supersedes'] = 'x22p';
    input.outputs.push(input.outputs[2] as TopicRecord);
    expect(check(input).violations).toEqual([]);
  });

  it('passes requests over the limit that the squeeze excuses, and counts them', () => {
    const input = history();
    input.carrier.overLimit['amazon-shipping-v2.cancelShipment|a'] = 4;
    input.carrier.overLimitExcused['amazon-shipping-v2.cancelShipment|a'] = 4;
    // Excused on another key: it cannot cover this one.
    input.carrier.overLimitExcused['amazon-shipping-v2.cancelShipment|b'] = 9;
    const { violations, stats } = check(input);
    expect(violations).toEqual([]);
    expect(stats['carrier.overLimit']).toBe(4);
    expect(stats['carrier.overLimitExcused']).toBe(4);
    input.carrier.overLimit['amazon-shipping-v2.getTracking|a'] = 1;
    expect(categoriesOf(input)).toEqual(['over_carrier_limit']);
  });

  it("passes requests over the limit by less than the sandbox's own lag around them, and counts them", () => {
    const input = history();
    const key = 'amazon-mfn-v0.cancelShipment|a';
    input.carrier.overLimit[key] = 3;
    input.carrier.overLimitWithinStall = { [key]: 3 };
    const { violations, stats } = check(input);
    expect(violations).toEqual([]);
    expect(stats['carrier.overLimit']).toBe(3);
    expect(stats['carrier.overLimitWithinStall']).toBe(3);
    // One beyond what the stalls explain is a violation, and says what the rest were.
    input.carrier.overLimit[key] = 4;
    expect(check(input).violations.map((v) => v.detail)).toEqual([
      `${key}: 1 request(s) beyond its rate and burst (4 counted, 3 within the sandbox's own lag)`,
    ]);
  });

  it('orders two topics only by timestamp: a batch writing both in one millisecond is not out of order', () => {
    const input = history();
    const at = (id: string) =>
      input.outputs.findIndex((r) => r.value.toString('utf8').includes(`"id":"${id}"`));
    // x22 (sequence 2) read before x22p (sequence 1), on another topic, in the same millisecond.
    const x22 = { ...(input.outputs[at('x22')] as TopicRecord), topic: topics.shipmentCancellationFailed };
    input.outputs.splice(at('x22'), 1);
    input.outputs.splice(at('x22p'), 0, x22);
    expect(check(input).violations).toEqual([]);
    // A millisecond earlier, it is known to come first.
    input.outputs[at('x22')] = { ...x22, timestamp: -1 };
    expect(check(input).violations.map((v) => v.detail)).toEqual([
      'cancellation c22: x22p (sequence 1) was published after x22 (sequence 2)',
    ]);
  });

  it('counts re-sent copies of one event once', () => {
    const input = history();
    input.outputs.push(...input.outputs.slice(0, 3));
    expect(check(input).violations).toEqual([]);
    expect(check(input).stats['outputs.resentCopies']).toBe(3);
  });

  it('has a planted fault for every category', () => {
    expect([...new Set(planted.map((p) => p.category))].sort()).toEqual([...CATEGORIES].sort());
  });

  it.each(planted)('$category: $fault', ({ category, plant, detail, also = [] }) => {
    const input = history();
    plant(input);
    expect(categoriesOf(input)).toEqual([...new Set([category, ...also])].sort());
    const details = check(input)
      .violations.filter((v) => v.category === category)
      .map((v) => v.detail);
    expect(details).toContainEqual(expect.stringMatching(detail));
  });

  it.each([
    ['5.5', '5.50'],
    ['05.25', '5.25'],
    ['12', '12.0000'],
    ['0.10', '0.1'],
    ['-0', '0.00'],
  ])('compares amounts as numbers: label cost %s, refund %s agree', (cost, paid) => {
    const input = history();
    input.inputs[0] = purchased(0, 'p11', 'o1', 'o1-s1', cost, 'USD');
    outputData(input, 'x11')['labelRefund'] = refund(paid, 'USD');
    expect(check(input).violations).toEqual([]);
  });

  it.each([
    ['5.25', '52.5'],
    ['5.25', '-5.25'],
    ['5.25', '5.251'],
    ['5', '50'],
    ['5.25', ''],
  ])('compares amounts as numbers: label cost %s, refund %s disagree', (cost, paid) => {
    const input = history();
    input.inputs[0] = purchased(0, 'p11', 'o1', 'o1-s1', cost, 'USD');
    outputData(input, 'x11')['labelRefund'] = refund(paid, 'USD');
    expect(categoriesOf(input)).toEqual(['refund_disagrees_with_input']);
  });
});

describe('fault checker report', () => {
  const reportOf = (input: CheckInput): CheckReport => {
    const { violations, stats } = check(input);
    const byCategory: CheckReport['byCategory'] = {};
    for (const v of violations) byCategory[v.category] = (byCategory[v.category] ?? 0) + 1;
    return { run: 'r1', ok: violations.length === 0, violations, byCategory, stats };
  };
  const printed = (report: CheckReport): string[] => {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      printReport(report);
    } finally {
      log.mockRestore();
    }
    return lines.flatMap((l) => l.split('\n'));
  };

  it('prints each category found with its count and first details, the stricter ones marked', () => {
    const input = history();
    outputData(input, 'x11')['labelRefund'] = refund('5.25', 'EUR');
    outputData(input, 'x21')['labelRefund'] = refund('5.05', 'USD');
    input.carrier.perShipment['cs11'] = 2;
    const lines = printed(reportOf(input));
    expect(lines).toContain('checker: 3 violation(s)');
    expect(lines).toContain("  refund_disagrees_with_input: 2 (a check beyond issue 7's list)");
    expect(lines).toContain(
      '    - cancelled(voided) x11 for o1-s1 refunds 5.25 EUR, the label cost 5.25 USD',
    );
    expect(lines).toContain('    - cancelled(voided) x21 for o2-s1 refunds 5.05 USD, the label cost 5.5 USD');
    expect(lines).toContain('  double_carrier_cancel: 1');
    expect(lines.some((l) => /^ {2}refunds\.checked +6$/.test(l))).toBe(true);
  });

  it.each(planted.filter((p, i) => planted.findIndex((q) => q.category === p.category) === i))(
    'prints $category when it is found',
    ({ category, plant }) => {
      const input = history();
      plant(input);
      expect(printed(reportOf(input)).filter((l) => l.startsWith(`  ${category}: `))).toHaveLength(1);
    },
  );

  it('prints 0 violations for the clean run', () => {
    expect(printed(reportOf(history()))).toContain('checker: 0 violations');
  });
});
