// The checker's rules, pure functions over what a run left behind: the inputs (topics and log), the outputs
// (topics), the database and the carrier's view. It parses messages itself rather than with @oms/events, so a
// bug in the shared decoder cannot hide from it.
import { createHash } from 'node:crypto';
import type { TopicRecord } from '../support/kafka-topics';
import { describeOverLimit, type OverLimitEvent } from '../support/sandbox';
import type { FaultOrder, FaultShipment } from './fault-workload';
import type { InputEntry } from './input-log';

// Every category the checker reports; checker.spec.ts plants a fault for each.
export const CATEGORIES = [
  'missing_outcome',
  'duplicate_outcome',
  'double_carrier_cancel',
  'carrier_cancel_without_input',
  'poison_not_in_dlq',
  'output_without_input',
  'output_disagrees_with_db',
  'manual_reship',
  'output_for_order_without_shipments',
  'not_terminal',
  'outcome_contradicts_carrier',
  'wrong_reship_flag',
  'refund_disagrees_with_input',
  'sequence_out_of_order',
  'bad_supersedes',
  'over_carrier_limit',
] as const;

export type Category = (typeof CATEGORIES)[number];

/**
 * Checks beyond issue 7's list: what billing was told against the carrier's final state, the reship flag, the
 * refund's money against the label cost the input gave, (issue 20) each cancellation's event order, and
 * (issue 23) the carrier's rate limits, whatever number of instances sent the requests.
 */
export const STRICTER: ReadonlySet<Category> = new Set<Category>([
  'outcome_contradicts_carrier',
  'wrong_reship_flag',
  'refund_disagrees_with_input',
  'sequence_out_of_order',
  'bad_supersedes',
  'over_carrier_limit',
]);

export interface Violation {
  category: Category;
  detail: string;
}

export interface DbCancellation {
  id: string;
  shipmentId: string;
  orderId: string;
  state: string;
  outcome: string | null;
  failureReason: string | null;
  completed: boolean;
}

export interface CheckInput {
  orders: FaultOrder[];
  log: InputEntry[];
  inputs: TopicRecord[];
  outputs: TopicRecord[];
  topics: {
    orderCancelled: string;
    shipmentPurchased: string;
    shipmentCancelled: string;
    manualReshipRequired: string;
    shipmentCancellationFailed: string;
    deadLetter: string;
  };
  cancellations: DbCancellation[];
  outbox: Array<{ eventId: string; topic: string; published: boolean }>;
  carrier: {
    perShipment: Record<string, number>;
    shipments: Array<{ carrierShipmentId: string; status: string }>;
    /**
     * Per "<api.operation>|<seller>": requests the sandbox counted beyond the configured rate and burst
     * (answered 429 or not), those of them the run excuses (sent while it squeezed a limit without notice), and
     * those short of fitting by no more than the sandbox's own lag around them, its loop's stalls or how late
     * probes' bytes reached it (their stamps may be that late: within the instrument's error, counted but not a
     * violation).
     */
    overLimit: Record<string, number>;
    overLimitExcused: Record<string, number>;
    overLimitWithinStall?: Record<string, number>;
    /** The sandbox's story of the first requests over a limit (absent from an older sandbox). */
    overLimitEvents?: OverLimitEvent[];
  };
}

interface Money {
  amount: string;
  currency: string;
}

interface Output {
  record: TopicRecord;
  id: string;
  type: string;
  data: Record<string, unknown>;
}

const TERMINAL_CANCELLED = 'oms.shipment.cancelled';
const FAILED = 'oms.shipment.cancellation-failed';
const RESHIP = 'oms.order.manual-reship-required';
const DLQ = 'oms.shipment-cancellation.dead-letter';

export function check(input: CheckInput): { violations: Violation[]; stats: Record<string, number> } {
  const violations: Violation[] = [];
  const flag = (category: Category, detail: string) => violations.push({ category, detail });
  const stats: Record<string, number> = {};
  const count = (name: string, n = 1) => (stats[name] = (stats[name] ?? 0) + n);

  // Inputs as they are in Kafka: poison positions found by their exact bytes, OrderCancelled by order.
  const poisonBytes = new Set(
    input.log.filter((e) => e.kind === 'poison').map((e) => e.valueBase64 as string),
  );
  const poisonAt = new Map<string, string>();
  const ocIds = new Map<string, Set<string>>();
  const purchased = new Set<string>();
  const labelCosts = new Map<string, Money[]>();
  const seenInputIds = new Set<string>();
  for (const r of input.inputs) {
    const b64 = r.value.toString('base64');
    if (poisonBytes.has(b64)) {
      poisonAt.set(`${r.topic}/${r.partition}/${r.offset}`, b64);
      count('inputs.poison');
      continue;
    }
    const event = JSON.parse(r.value.toString('utf8')) as {
      id: string;
      data: { orderId: string; shipmentId?: string; labelCost?: Money };
    };
    if (seenInputIds.has(event.id)) count('inputs.resentSameId');
    seenInputIds.add(event.id);
    if (r.topic === input.topics.orderCancelled) {
      count('inputs.orderCancelled');
      ocIds.set(event.data.orderId, (ocIds.get(event.data.orderId) ?? new Set()).add(event.id));
    } else {
      count('inputs.shipmentPurchased');
      const shipmentId = event.data.shipmentId as string;
      purchased.add(shipmentId);
      if (event.data.labelCost)
        labelCosts.set(shipmentId, [...(labelCosts.get(shipmentId) ?? []), event.data.labelCost]);
    }
  }
  stats['inputs.ordersCancelled'] = ocIds.size;
  stats['inputs.ordersWithNewIdDuplicate'] = [...ocIds.values()].filter((ids) => ids.size > 1).length;

  const outputs: Output[] = input.outputs.map((record) => {
    const event = JSON.parse(record.value.toString('utf8')) as {
      id: string;
      type: string;
      data: Record<string, unknown>;
    };
    return { record, id: event.id, type: event.type, data: event.data };
  });
  const distinct = new Map<string, Output>();
  for (const o of outputs) distinct.set(o.id, o);
  checkEventOrder(outputs, flag);
  stats['outputs.messages'] = outputs.length;
  stats['outputs.distinctEvents'] = distinct.size;
  stats['outputs.resentCopies'] = outputs.length - distinct.size;

  const orderById = new Map(input.orders.map((o) => [o.orderId, o]));
  const shipmentById = new Map<string, { order: FaultOrder; shipment: FaultShipment }>();
  for (const order of input.orders)
    for (const shipment of order.shipments) shipmentById.set(shipment.shipmentId, { order, shipment });
  const terminal = new Map<string, Output[]>();
  const interim = new Map<string, Output[]>();
  const reships = new Map<string, Output[]>();
  const dlqByPosition = new Map<string, Output[]>();

  for (const o of distinct.values()) {
    count(`outputs.${o.type}`);
    if (o.type === DLQ) {
      const source = o.data['source'] as { topic: string; partition: number; offset: string };
      const position = `${source.topic}/${source.partition}/${source.offset}`;
      dlqByPosition.set(position, [...(dlqByPosition.get(position) ?? []), o]);
      if (!poisonAt.has(position))
        flag(
          'output_without_input',
          `DLQ record ${o.id} for ${position}, which is not a poison message (a valid input was dead-lettered)`,
        );
      else if (!sameBytes(o.data['payload'] as DlqPayload, poisonAt.get(position) ?? ''))
        flag(
          'output_without_input',
          `DLQ record ${o.id} for ${position} carries other bytes than the message`,
        );
      continue;
    }
    const orderId = o.data['orderId'] as string;
    const order = orderById.get(orderId);
    const causes = ocIds.get(orderId);
    if (!order || !causes) {
      flag('output_without_input', `${o.type} ${o.id} for order ${orderId}, which was never cancelled`);
      continue;
    }
    if (!causes.has(o.data['causationId'] as string))
      flag(
        'output_without_input',
        `${o.type} ${o.id} of order ${orderId} has causationId ${String(o.data['causationId'])}, not an OrderCancelled of that order`,
      );
    if (o.record.key !== orderId)
      flag('output_without_input', `${o.type} ${o.id} keyed ${o.record.key}, not by its order ${orderId}`);
    if (order.shipments.length === 0)
      flag(
        'output_for_order_without_shipments',
        `${o.type} ${o.id} for order ${orderId}, which has no shipment`,
      );
    if (o.type === RESHIP) {
      reships.set(orderId, [...(reships.get(orderId) ?? []), o]);
      continue;
    }
    const shipmentId = o.data['shipmentId'] as string;
    if (shipmentById.get(shipmentId)?.order.orderId !== orderId) {
      flag(
        'output_without_input',
        `${o.type} ${o.id} for shipment ${shipmentId}, not a shipment of order ${orderId}`,
      );
      continue;
    }
    if (!purchased.has(shipmentId))
      flag('output_without_input', `${o.type} ${o.id} for shipment ${shipmentId}, which was never purchased`);
    else if (checkRefund(o, labelCosts.get(shipmentId), flag)) count('refunds.checked');
    const isTerminal = o.type === FAILED || (o.type === TERMINAL_CANCELLED && o.data['final'] === true);
    const into = isTerminal ? terminal : interim;
    into.set(shipmentId, [...(into.get(shipmentId) ?? []), o]);
  }

  // One distinct terminal outcome per shipment of every cancelled order.
  const cancellationByShipment = new Map(input.cancellations.map((c) => [c.shipmentId, c]));
  const carrierStatus = new Map(input.carrier.shipments.map((s) => [s.carrierShipmentId, s.status]));
  for (const order of input.orders) {
    const cancelled = ocIds.has(order.orderId);
    const total = order.shipments.filter((s) => !s.late || purchased.has(s.shipmentId)).length;
    const hasLate = order.shipments.some((s) => s.late);
    for (const s of order.shipments) {
      const calls = input.carrier.perShipment[s.carrierShipmentId] ?? 0;
      if (calls > 1)
        flag(
          'double_carrier_cancel',
          `shipment ${s.shipmentId} (${s.api} ${s.carrierShipmentId}) was cancelled ${calls} times at the carrier`,
        );
      const expected = cancelled && (!s.late || purchased.has(s.shipmentId));
      if (!expected) {
        if (calls > 0)
          flag(
            'carrier_cancel_without_input',
            `shipment ${s.shipmentId} of ${order.kind} order ${order.orderId} was cancelled at the carrier`,
          );
        continue;
      }
      count('shipments.expected');
      const outs = terminal.get(s.shipmentId) ?? [];
      if (outs.length === 0) {
        flag(
          'missing_outcome',
          `shipment ${s.shipmentId} (${s.api}) of order ${order.orderId} has no terminal outcome (db: ${describeRow(cancellationByShipment.get(s.shipmentId))})`,
        );
        continue;
      }
      if (outs.length > 1)
        flag(
          'duplicate_outcome',
          `shipment ${s.shipmentId} has ${outs.length} distinct terminal outcomes: ${outs.map(describe).join(' | ')}`,
        );
      if ((interim.get(s.shipmentId) ?? []).length > 1)
        flag(
          'duplicate_outcome',
          `shipment ${s.shipmentId} has ${interim.get(s.shipmentId)?.length} distinct refund_pending (final: false) events`,
        );
      const out = outs[0] as Output;
      count(
        `outcomes.${out.type === FAILED ? `failed:${String(out.data['reason'])}` : String(out.data['outcome'])}`,
      );
      agreesWithDb(out, cancellationByShipment.get(s.shipmentId), flag);
      agreesWithCarrier(out, s, carrierStatus.get(s.carrierShipmentId), flag);
      if (!hasLate && out.type === TERMINAL_CANCELLED && out.data['reshipEligible'] !== (total === 1)) {
        flag(
          'wrong_reship_flag',
          `shipment ${s.shipmentId} of a ${total}-shipment order has reshipEligible ${String(out.data['reshipEligible'])}`,
        );
      }
    }
    if (!cancelled) continue;
    const mrr = reships.get(order.orderId) ?? [];
    if (total >= 2 && mrr.length !== 1)
      flag(
        'manual_reship',
        `order ${order.orderId} with ${total} shipments has ${mrr.length} distinct ManualReshipRequired`,
      );
    if (total < 2 && mrr.length > 0)
      flag(
        'manual_reship',
        `order ${order.orderId} with ${total} shipment(s) has ${mrr.length} ManualReshipRequired`,
      );
  }

  for (const position of poisonAt.keys()) {
    const records = dlqByPosition.get(position) ?? [];
    if (records.length === 0) flag('poison_not_in_dlq', `poison message at ${position} is not in the DLQ`);
    if (records.length > 1)
      flag('duplicate_outcome', `poison message at ${position} has ${records.length} distinct DLQ records`);
  }

  // The database and the outbox against what Kafka holds.
  for (const c of input.cancellations)
    if (!c.completed)
      flag('not_terminal', `cancellation ${c.id} of shipment ${c.shipmentId} is still ${c.state}`);
  const kafkaIds = new Set(distinct.keys());
  for (const row of input.outbox) {
    if (!row.published) flag('not_terminal', `outbox event ${row.eventId} was never published`);
    else if (!kafkaIds.has(row.eventId))
      flag(
        'output_disagrees_with_db',
        `outbox event ${row.eventId} is marked published but is not in ${row.topic}`,
      );
  }
  const outboxIds = new Set(input.outbox.map((r) => r.eventId));
  for (const id of kafkaIds)
    if (!outboxIds.has(id)) flag('output_disagrees_with_db', `output ${id} in Kafka has no outbox row`);
  stats['db.cancellations'] = input.cancellations.length;
  stats['db.outbox'] = input.outbox.length;
  checkCarrierLimits(input.carrier, flag, stats);
  return { violations, stats };
}

/** No (API, operation, seller) was sent more than its rate and burst allow in any window, all instances together. */
function checkCarrierLimits(
  carrier: CheckInput['carrier'],
  flag: (c: Category, d: string) => void,
  stats: Record<string, number>,
): void {
  let counted = 0;
  let excused = 0;
  let withinStall = 0;
  for (const [key, n] of Object.entries(carrier.overLimit)) {
    const squeezed = Math.min(n, carrier.overLimitExcused[key] ?? 0);
    const stalled = Math.min(n - squeezed, carrier.overLimitWithinStall?.[key] ?? 0);
    const allowed = squeezed + stalled;
    counted += n;
    excused += squeezed;
    withinStall += stalled;
    const why = [
      ...(squeezed > 0 ? [`${squeezed} excused during the rate-limit squeeze`] : []),
      ...(stalled > 0 ? [`${stalled} within the sandbox's own lag`] : []),
    ];
    if (n > allowed)
      flag(
        'over_carrier_limit',
        `${key}: ${n - allowed} request(s) beyond its rate and burst` +
          (why.length > 0 ? ` (${n} counted, ${why.join(', ')})` : '') +
          (carrier.overLimitEvents ?? [])
            .filter((e) => e.bucket === key)
            .slice(0, 3)
            .map((e) => `; ${describeOverLimit(e)}`)
            .join(''),
      );
  }
  stats['carrier.overLimit'] = counted;
  stats['carrier.overLimitExcused'] = excused;
  stats['carrier.overLimitWithinStall'] = withinStall;
}

function describe(o: Output): string {
  return `${o.type.split('.').pop()}(${String(o.data['outcome'] ?? o.data['reason'])}) ${o.id}`;
}

function describeRow(row: DbCancellation | undefined): string {
  return row ? `${row.state}${row.completed ? ', completed' : ''}` : 'no cancellation row';
}

function agreesWithDb(
  out: Output,
  row: DbCancellation | undefined,
  flag: (c: Category, d: string) => void,
): void {
  const shipmentId = String(out.data['shipmentId']);
  if (!row)
    return flag(
      'output_disagrees_with_db',
      `${describe(out)} for ${shipmentId}: no shipment_cancellation row`,
    );
  if (out.data['cancellationId'] !== row.id)
    flag(
      'output_disagrees_with_db',
      `${describe(out)} names cancellation ${String(out.data['cancellationId'])}, the row is ${row.id}`,
    );
  if (out.type === FAILED) {
    if (row.state !== 'failed' || row.failureReason !== out.data['reason'])
      flag(
        'output_disagrees_with_db',
        `${describe(out)} for ${shipmentId}, db says ${row.state}/${row.failureReason}`,
      );
    return;
  }
  const outcome = String(out.data['outcome']);
  const stateOk = outcome === 'refund_pending' ? row.state === 'refund_pending' : row.state === outcome;
  if (!stateOk || row.outcome !== outcome)
    flag(
      'output_disagrees_with_db',
      `${describe(out)} for ${shipmentId}, db says ${row.state}/${row.outcome}`,
    );
}

// Billing refunds what an output says: the label's cost in its currency, as the shipment's ShipmentPurchased
// gave it. Amounts compare as numbers: the service writes its own format ("5.5" in, "5.50" out). Returns
// whether there was a label cost to check against.
function checkRefund(
  out: Output,
  costs: Money[] | undefined,
  flag: (c: Category, d: string) => void,
): boolean {
  // A purchase without a label cost is schema-invalid, not one the service accepts: nothing to compare with.
  if (!costs) return false;
  checkBookedRefund(out, costs, flag);
  const shipmentId = String(out.data['shipmentId']);
  const refund = out.data['labelRefund'] as Partial<Money> | undefined;
  if (!refund) {
    if (out.type === TERMINAL_CANCELLED || out.type === FAILED)
      flag('refund_disagrees_with_input', `${describe(out)} for ${shipmentId} carries no labelRefund`);
    return true;
  }
  if (!costs.some((c) => c.currency === refund.currency && sameAmount(c.amount, refund.amount)))
    flag(
      'refund_disagrees_with_input',
      `${describe(out)} for ${shipmentId} refunds ${String(refund.amount)} ${String(refund.currency)}, the label cost ${costs.map((c) => `${c.amount} ${c.currency}`).join(' or ')}`,
    );
  return true;
}

// The refund as billing books it: an amount only once applied, and then the label's cost.
function checkBookedRefund(out: Output, costs: Money[], flag: (c: Category, d: string) => void): void {
  const refund = out.data['refund'] as (Partial<Money> & { status?: string }) | undefined;
  if (!refund) return;
  const shipmentId = String(out.data['shipmentId']);
  const hasAmount = 'amount' in refund || 'currency' in refund;
  if (hasAmount !== (refund.status === 'applied'))
    flag(
      'refund_disagrees_with_input',
      `${describe(out)} for ${shipmentId} has refund.status ${String(refund.status)} ${hasAmount ? 'with' : 'without'} an amount`,
    );
  else if (
    hasAmount &&
    !costs.some((c) => c.currency === refund.currency && sameAmount(c.amount, refund.amount))
  )
    flag(
      'refund_disagrees_with_input',
      `${describe(out)} for ${shipmentId} books a refund of ${String(refund.amount)} ${String(refund.currency)}, not the label cost`,
    );
}

/** Where each distinct event was first published: by record timestamp, then by the order it was read in. */
function publicationOrder(outputs: Output[]): Output[] {
  const first = new Map<string, { o: Output; at: number; index: number }>();
  outputs.forEach((o, index) => {
    if (!first.has(o.id)) first.set(o.id, { o, at: o.record.timestamp, index });
  });
  return [...first.values()].sort((a, b) => a.at - b.at || a.index - b.index).map((f) => f.o);
}

/**
 * Whether Kafka tells that `a` was published before `b`: by offset within one partition (the order they were
 * read in), else only by an earlier timestamp. One relay batch can write two topics in the same millisecond;
 * their order is then unknown, and consumers of different topics go by `sequence` for exactly that reason.
 */
function knownToPrecede(a: TopicRecord, b: TopicRecord): boolean {
  if (a.topic === b.topic && a.partition === b.partition) return true;
  return a.timestamp < b.timestamp;
}

// Per cancellation, `sequence` rises in publication order, and a `supersedes` names an earlier event of it.
function checkEventOrder(outputs: Output[], flag: (c: Category, d: string) => void): void {
  const seen = new Map<string, Output[]>();
  for (const o of publicationOrder(outputs)) {
    const cancellationId = o.data['cancellationId'];
    if (typeof cancellationId !== 'string') continue;
    const earlier = seen.get(cancellationId) ?? [];
    const sequence = o.data['sequence'];
    const last = earlier.filter((e) => typeof e.data['sequence'] === 'number').pop();
    if (
      typeof sequence === 'number' &&
      last &&
      (last.data['sequence'] as number) >= sequence &&
      knownToPrecede(last.record, o.record)
    )
      flag(
        'sequence_out_of_order',
        `cancellation ${cancellationId}: ${o.id} (sequence ${sequence}) was published after ${last.id} (sequence ${String(last.data['sequence'])})`,
      );
    const supersedes = o.data['supersedes'];
    if (supersedes !== undefined && !earlier.some((e) => e.id === supersedes))
      flag(
        'bad_supersedes',
        `cancellation ${cancellationId}: ${o.id} supersedes ${String(supersedes)}, not an earlier event of it`,
      );
    seen.set(cancellationId, [...earlier, o]);
  }
}

function sameAmount(a: unknown, b: unknown): boolean {
  const x = decimal(a);
  return x !== null && x === decimal(b);
}

/** A decimal string in one spelling per number ("05.50" → "5.5", "-0.0" → "0"); null when not a decimal string. */
function decimal(amount: unknown): string | null {
  const m = typeof amount === 'string' ? /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount) : null;
  if (!m) return null;
  const whole = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const value = fraction ? `${whole}.${fraction}` : whole;
  return value === '0' ? value : `${m[1] ?? ''}${value}`;
}

// What the carrier's final state allows us to have told billing.
function agreesWithCarrier(
  out: Output,
  s: FaultShipment,
  status: string | undefined,
  flag: (c: Category, d: string) => void,
): void {
  const told = out.type === FAILED ? `failed:${String(out.data['reason'])}` : String(out.data['outcome']);
  const allowed: Record<string, string[]> = {
    // Shipping v2's window is the carrier pickup: its refusal reads "already picked up" (not_cancellable).
    'amazon-shipping-v2': s.windowExpired ? ['failed:window_expired', 'failed:not_cancellable'] : ['voided'],
    'amazon-mfn-mws': s.windowExpired
      ? ['failed:window_expired']
      : ['refund_pending', ...(status === 'RefundApplied' ? ['voided'] : [])],
    'amazon-mfn-v0': status === 'RefundRejected' ? ['failed:refund_rejected'] : ['voided'],
  };
  if (!(allowed[s.api] ?? []).includes(told)) {
    flag(
      'outcome_contradicts_carrier',
      `shipment ${s.shipmentId} (${s.api}) reported ${told} (event ${out.id}), the carrier's final status is ${status ?? 'unknown'}`,
    );
  }
}

type DlqPayload = { base64: string | null; sha256?: string };

/** A DLQ record's payload holds the message's bytes, or (too large to publish) their digest. */
function sameBytes(payload: DlqPayload, base64: string): boolean {
  if (payload.base64 !== null) return payload.base64 === base64;
  return payload.sha256 === createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');
}
