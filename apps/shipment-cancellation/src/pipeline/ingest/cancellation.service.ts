// Turns cancel requests (OrderCancelled events and operator commands) into per-shipment cancellations,
// applying the reship rule. Idempotency lives here and in the database: the inbox drops redelivered
// messages, and one order-level request per order drops a second cancel of the same order.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CancelTrigger, CarrierApi } from '@oms/events';
import type { PendingEvent } from '../../store/outbox.writer';
import type { ReshipRule } from '../../domain/cancellation';
import { CancellationProgress } from '../apply/cancellation-progress';
import type { CancellationRow } from '../../domain/cancellation';
import { reshipEligible, reshipRuleFor } from '../../domain/reship-rule';
import { preparedQuery } from '../../store/query-rows';

export interface CancelCommand {
  orderId: string;
  /** Set to cancel one shipment of the order (operators); absent to cancel the whole order. */
  shipmentId?: string;
  trigger: CancelTrigger;
  actor: string;
  reason: string | null;
  causationId: string;
  correlationId: string;
  /** The W3C traceparent of the input, kept with the request; null when it came without one. */
  traceParent: string | null;
}

export interface NewCancellation {
  id: string;
  carrier: CarrierApi;
  sellerAccount: string;
}

export type CancelResult =
  | {
      kind: 'accepted';
      requestId: string;
      rule: ReshipRule;
      shipmentCount: number;
      /** The shipment cancellations created, due now: the worker may be offered them. */
      cancellations: NewCancellation[];
    }
  | { kind: 'duplicate'; requestId: string }
  | { kind: 'shipment_not_found' }
  | { kind: 'shipment_not_active'; requestId: string | null };

/**
 * Leases, in the transaction that creates them, the new cancellations the carrier worker has slots for (it
 * is given all of them and returns the ids it took): those are inserted already in flight, so the carrier
 * can be called as soon as the transaction commits, with no claim of its own.
 */
export type LeaseNew = (created: NewCancellation[]) => LeaseGrant;

/** The ids leased (the keys; the value is the lessor's own) and for how long. */
export interface LeaseGrant {
  leased: ReadonlyMap<string, unknown>;
  leaseMs: number;
}

const NO_LEASE: LeaseGrant = { leased: new Map(), leaseMs: 0 };

interface ShipmentRow extends Pick<
  CancellationRow,
  'businessId' | 'marketplaceId' | 'trackingId' | 'carrierId' | 'labelCostAmount' | 'labelCostCurrency'
> {
  id: string;
  orderId: string;
  status: string;
  carrier: string;
  carrierShipmentId: string;
  sellerAccount: string;
  cancellationRequestId: string | null;
}

@Injectable()
export class CancellationService {
  constructor(private readonly progress: CancellationProgress) {}

  /**
   * Applies commands in order inside the caller's transaction, which must already hold the locks of the
   * commands' orders (lockOrders; the ingest takes them with its first statement), and returns one result per
   * command plus the events to append to the outbox.
   */
  async request(
    manager: EntityManager,
    commands: CancelCommand[],
    now: Date,
    lease?: LeaseNew,
  ): Promise<{ results: CancelResult[]; events: PendingEvent[]; leased: CancellationRow[] }> {
    if (commands.length === 0) return { results: [], events: [], leased: [] };
    const orderIds = [...new Set(commands.map((c) => c.orderId))];

    // One read for the batch: each order's order-level request (if any) and its shipments, in purchase order.
    const found: Array<ShipmentRow & { orderRequestId: string | null; inputOrderId: string }> =
      await preparedQuery(
        manager,
        `SELECT o.order_id AS "inputOrderId", r.id AS "orderRequestId", s.id, s.order_id AS "orderId", s.status,
                s.carrier, s.carrier_shipment_id AS "carrierShipmentId", s.seller_account AS "sellerAccount",
                s.business_id AS "businessId", s.marketplace_id AS "marketplaceId", s.tracking_id AS "trackingId",
                s.carrier_id AS "carrierId", s.label_cost_amount AS "labelCostAmount",
                s.label_cost_currency AS "labelCostCurrency", sc.request_id AS "cancellationRequestId"
           FROM unnest($1::text[]) AS o(order_id)
           LEFT JOIN cancellation_request r ON r.order_id = o.order_id AND r.scope = 'order'
           LEFT JOIN shipment s ON s.order_id = o.order_id
           LEFT JOIN shipment_cancellation sc ON sc.shipment_id = s.id
          ORDER BY s.purchased_at, s.id`,
        [orderIds],
      );
    const orderRequest = new Map<string, string>();
    const shipments: ShipmentRow[] = [];
    for (const row of found) {
      if (row.orderRequestId) orderRequest.set(row.inputOrderId, row.orderRequestId);
      if (row.id !== null) shipments.push(row);
    }
    const byOrder = new Map<string, ShipmentRow[]>();
    for (const s of shipments) byOrder.set(s.orderId, [...(byOrder.get(s.orderId) ?? []), s]);

    const requests: unknown[][] = [];
    const cancellations: unknown[][] = [];
    const rows: CancellationRow[] = [];
    const results: CancelResult[] = [];
    for (const command of commands) {
      const own = byOrder.get(command.orderId) ?? [];
      const rule = reshipRuleFor(own.length);
      let targets: ShipmentRow[];
      if (command.shipmentId === undefined) {
        const previous = orderRequest.get(command.orderId);
        if (previous) {
          results.push({ kind: 'duplicate', requestId: previous });
          continue;
        }
        targets = own.filter((s) => s.status === 'active' && s.cancellationRequestId === null);
      } else {
        const shipment = own.find((s) => s.id === command.shipmentId);
        if (!shipment) {
          results.push({ kind: 'shipment_not_found' });
          continue;
        }
        if (shipment.status !== 'active' || shipment.cancellationRequestId !== null) {
          results.push({ kind: 'shipment_not_active', requestId: shipment.cancellationRequestId });
          continue;
        }
        targets = [shipment];
      }

      const requestId = randomUUID();
      const scope = command.shipmentId === undefined ? 'order' : 'shipment';
      if (scope === 'order') orderRequest.set(command.orderId, requestId);
      requests.push([
        requestId,
        command.orderId,
        scope,
        command.trigger,
        command.actor,
        command.reason,
        command.causationId,
        command.correlationId,
        rule,
        own.length,
        targets.length === 0 && rule !== 'multiple_shipments' ? 'completed' : 'in_progress',
        command.traceParent,
      ]);
      const created: NewCancellation[] = [];
      for (const target of targets) {
        const id = randomUUID();
        created.push({ id, carrier: target.carrier as CarrierApi, sellerAccount: target.sellerAccount });
        target.cancellationRequestId = requestId;
        target.status = 'cancelling';
        cancellations.push([
          id,
          requestId,
          target.orderId,
          target.id,
          target.carrier,
          target.carrierShipmentId,
          target.sellerAccount,
          reshipEligible(rule),
        ]);
        if (lease) rows.push(leasedRow(id, requestId, target, command, rule, now));
      }
      results.push({ kind: 'accepted', requestId, rule, shipmentCount: own.length, cancellations: created });
    }

    const granted = lease && rows.length > 0 ? lease(rows) : NO_LEASE;
    await insertCancellations(manager, cancellations, now, requests, granted);
    // A request with nothing to cancel went in completed, unless its order had several shipments: then it may
    // owe its ManualReshipRequired now (every shipment was settled before). The others wait for the carrier.
    const settled = results.flatMap((r, i) =>
      r.kind === 'accepted' && r.cancellations.length === 0 && r.rule === 'multiple_shipments'
        ? [commands[i]?.orderId ?? '']
        : [],
    );
    const events = await this.progress.update(manager, settled, now);
    return { results, events, leased: rows.filter((row) => granted.leased.has(row.id)) };
  }
}

/** The row a claim would return for a cancellation inserted in flight (its first attempt). */
function leasedRow(
  id: string,
  requestId: string,
  shipment: ShipmentRow,
  command: CancelCommand,
  rule: ReshipRule,
  now: Date,
): CancellationRow {
  return {
    id,
    requestId,
    orderId: shipment.orderId,
    shipmentId: shipment.id,
    carrier: shipment.carrier as CarrierApi,
    carrierShipmentId: shipment.carrierShipmentId,
    sellerAccount: shipment.sellerAccount,
    state: 'in_flight',
    operation: 'cancel',
    reshipEligible: reshipEligible(rule),
    possiblySent: false,
    attempts: 1,
    attemptsBeforeRetry: 0,
    businessId: shipment.businessId,
    marketplaceId: shipment.marketplaceId,
    trackingId: shipment.trackingId,
    carrierId: shipment.carrierId,
    labelCostAmount: shipment.labelCostAmount,
    labelCostCurrency: shipment.labelCostCurrency,
    trigger: command.trigger,
    actor: command.actor,
    causationId: command.causationId,
    correlationId: command.correlationId,
    traceParent: command.traceParent,
    requestedAt: now,
  };
}

function column<T>(rows: unknown[][], index: number): T[] {
  return rows.map((row) => row[index] as T);
}

/**
 * Inserts cancellations due now (pending, or in flight under the lease granted for them), marks their
 * shipments as being cancelled and, given them, inserts the requests they belong to: one statement, one
 * round trip.
 */
export async function insertCancellations(
  manager: EntityManager,
  rows: unknown[][],
  now: Date,
  requests: unknown[][] = [],
  grant: LeaseGrant = NO_LEASE,
): Promise<void> {
  if (rows.length === 0 && requests.length === 0) return;
  // Foreign keys are checked at the end of the statement, when the requests are in.
  await preparedQuery(
    manager,
    `WITH requests AS (
       INSERT INTO cancellation_request
         (id, order_id, scope, trigger, actor, reason, causation_id, correlation_id, rule, shipment_count, status,
          trace_parent, created_at, completed_at)
       SELECT id, order_id, scope, trigger, actor, reason, causation_id, correlation_id, rule, shipment_count, status,
              trace_parent, $9, CASE WHEN status = 'completed' THEN $9::timestamptz END
         FROM unnest($10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                     $17::text[], $18::text[], $19::int[], $20::text[], $23::text[])
           AS t(id, order_id, scope, trigger, actor, reason, causation_id, correlation_id, rule, shipment_count, status,
                trace_parent)
     ), cancellations AS (
       INSERT INTO shipment_cancellation
         (id, request_id, order_id, shipment_id, carrier, carrier_shipment_id, seller_account, reship_eligible,
          state, attempts, lease_until, next_attempt_at, created_at, updated_at)
       SELECT id, request_id, order_id, shipment_id, carrier, carrier_shipment_id, seller_account, reship_eligible,
              CASE WHEN leased THEN 'in_flight' ELSE 'pending' END, CASE WHEN leased THEN 1 ELSE 0 END,
              CASE WHEN leased THEN now() + make_interval(secs => $22::double precision / 1000) END, $9, $9, $9
         FROM (SELECT *, id = ANY($21::uuid[]) AS leased
                 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                             $8::boolean[])
                   AS t(id, request_id, order_id, shipment_id, carrier, carrier_shipment_id, seller_account,
                        reship_eligible)) AS t
     )
     UPDATE shipment SET status = 'cancelling', updated_at = $9 WHERE id = ANY($4::text[])`,
    [
      ...Array.from({ length: 8 }, (_, i) => column(rows, i)),
      now,
      ...Array.from({ length: 11 }, (_, i) => column(requests, i)),
      [...grant.leased.keys()],
      grant.leaseMs,
      column(requests, 11),
    ],
  );
}
