// Turns cancel requests (OrderCancelled events and operator commands) into per-shipment cancellations,
// applying the reship rule. Idempotency lives here and in the database: the inbox drops redelivered
// messages, and one order-level request per order drops a second cancel of the same order.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CancelTrigger, CarrierApi } from '@oms/events';
import type { CancellationRow, ReshipRule } from '../../domain/cancellation';
import { reshipEligible, reshipRuleFor } from '../../domain/reship-rule';
import {
  type CancellableShipment,
  findOrdersToCancel,
  insertCancellations,
  type NewCancellationRequest,
  type NewShipmentCancellation,
} from '../../store/cancellations.store';
import type { PendingEvent } from '../../store/outbox.writer';
import { NO_LEASE, type Transaction } from '../../store/unit-of-work';
import { CancellationProgress } from '../apply/cancellation-progress';

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
      /** The shipment cancellations created, due now. */
      cancellations: NewCancellation[];
    }
  | { kind: 'duplicate'; requestId: string }
  | { kind: 'shipment_not_found' }
  | { kind: 'shipment_not_active'; requestId: string | null };

@Injectable()
export class CancellationService {
  constructor(private readonly progress: CancellationProgress) {}

  /**
   * Applies commands in order inside the caller's transaction, which must already hold the locks of the
   * commands' orders (lockOrders; the ingest takes them with its first statement), and returns one result per
   * command plus the events to append to the outbox. With `leaseNew`, the new cancellations the carrier worker
   * has slots for are inserted already in flight, and called as soon as the transaction commits.
   */
  async request(
    tx: Transaction,
    commands: CancelCommand[],
    now: Date,
    { leaseNew = false }: { leaseNew?: boolean } = {},
  ): Promise<{ results: CancelResult[]; events: PendingEvent[] }> {
    if (commands.length === 0) return { results: [], events: [] };
    const known = await findOrdersToCancel(tx.manager, [...new Set(commands.map((c) => c.orderId))]);

    const requests: NewCancellationRequest[] = [];
    const cancellations: NewShipmentCancellation[] = [];
    const rows: CancellationRow[] = [];
    const results: CancelResult[] = [];
    for (const command of commands) {
      const own = known.shipments.get(command.orderId) ?? [];
      const found = targetsOf(command, own, known.orderRequests);
      if ('kind' in found) {
        results.push(found);
        continue;
      }
      const targets = found.targets;
      const rule = reshipRuleFor(own.length);
      const requestId = randomUUID();
      const scope = command.shipmentId === undefined ? 'order' : 'shipment';
      if (scope === 'order') known.orderRequests.set(command.orderId, requestId);
      requests.push({
        id: requestId,
        orderId: command.orderId,
        scope,
        trigger: command.trigger,
        actor: command.actor,
        reason: command.reason,
        causationId: command.causationId,
        correlationId: command.correlationId,
        rule,
        shipmentCount: own.length,
        status: targets.length === 0 && rule !== 'multiple_shipments' ? 'completed' : 'in_progress',
        traceParent: command.traceParent,
      });
      const created: NewCancellation[] = [];
      for (const target of targets) {
        const id = randomUUID();
        created.push({ id, carrier: target.carrier, sellerAccount: target.sellerAccount });
        target.cancellationRequestId = requestId;
        target.status = 'cancelling';
        cancellations.push({
          id,
          requestId,
          orderId: target.orderId,
          shipmentId: target.id,
          carrier: target.carrier,
          carrierShipmentId: target.carrierShipmentId,
          sellerAccount: target.sellerAccount,
          reshipEligible: reshipEligible(rule),
        });
        if (leaseNew) rows.push(leasedRow(id, requestId, target, command, rule, now));
      }
      results.push({ kind: 'accepted', requestId, rule, shipmentCount: own.length, cancellations: created });
    }

    // Leased ones run once the transaction commits; without a lease the worker is woken to claim them.
    const grant = leaseNew ? tx.lease(rows) : NO_LEASE;
    await insertCancellations(tx.manager, { requests, cancellations }, now, grant);
    if (!leaseNew && cancellations.length > 0) tx.workDue();
    // A request with nothing to cancel went in completed, unless its order had several shipments: then it may
    // owe its ManualReshipRequired now (every shipment was settled before). The others wait for the carrier.
    const settled = results.flatMap((r, i) =>
      r.kind === 'accepted' && r.cancellations.length === 0 && r.rule === 'multiple_shipments'
        ? [commands[i]?.orderId ?? '']
        : [],
    );
    const events = await this.progress.update(tx.manager, settled, now);
    return { results, events };
  }
}

/** The shipments a command cancels, or why it cancels none. */
function targetsOf(
  command: CancelCommand,
  own: CancellableShipment[],
  orderRequests: ReadonlyMap<string, string>,
): { targets: CancellableShipment[] } | Exclude<CancelResult, { kind: 'accepted' }> {
  if (command.shipmentId === undefined) {
    const previous = orderRequests.get(command.orderId);
    if (previous) return { kind: 'duplicate', requestId: previous };
    return { targets: own.filter((s) => s.status === 'active' && s.cancellationRequestId === null) };
  }
  const shipment = own.find((s) => s.id === command.shipmentId);
  if (!shipment) return { kind: 'shipment_not_found' };
  if (shipment.status !== 'active' || shipment.cancellationRequestId !== null)
    return { kind: 'shipment_not_active', requestId: shipment.cancellationRequestId };
  return { targets: [shipment] };
}

/** The row a claim would return for a cancellation inserted in flight (its first attempt). */
function leasedRow(
  id: string,
  requestId: string,
  shipment: CancellableShipment,
  command: CancelCommand,
  rule: ReshipRule,
  now: Date,
): CancellationRow {
  return {
    id,
    requestId,
    orderId: shipment.orderId,
    shipmentId: shipment.id,
    carrier: shipment.carrier,
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
    cancelReason: command.reason,
    eventSequence: 0,
    lastFinalEventId: null,
    requestedAt: now,
  };
}
