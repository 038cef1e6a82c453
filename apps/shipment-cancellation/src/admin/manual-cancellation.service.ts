// Operator writes: cancel a shipment or a whole order through the event path's own pipeline (same service,
// same per-order lock, same outbox), and send a failed cancellation back to the carrier worker.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CancelCommand } from '../pipeline/ingest/cancellation.service';
import { lockOrders } from '../store/order-lock';
import { reshipEligible } from '../domain/reship-rule';
import type { WriteBody } from './admin.schemas';
import { loadCancellations } from './admin-views';
import { type AdminResponse, AuditedWriteService, type WriteOutcome } from './audited-write.service';
import { CancellationService } from '../pipeline/ingest/cancellation.service';
import { OutboxWriter } from '../store/outbox.writer';
import { errorBody } from './http/admin-error';
import type { Caller } from './http/admin-request';

export interface WriteCall {
  caller: Caller;
  idempotencyKey: string | null;
  path: string;
  body: WriteBody;
}

const orderLink = (orderId: string): string =>
  `/admin/v1/orders/${encodeURIComponent(orderId)}/cancellations`;

@Injectable()
export class ManualCancellationService {
  constructor(
    private readonly writes: AuditedWriteService,
    private readonly cancellations: CancellationService,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Cancels one shipment (`shipmentId`) or every active shipment of the order with the reship rule. */
  cancel(call: WriteCall, orderId: string, shipmentId?: string): Promise<AdminResponse> {
    const scope = shipmentId === undefined ? 'order' : 'shipment';
    return this.writes.run(
      {
        ...call,
        method: 'POST',
        action: scope === 'order' ? 'cancel_order' : 'cancel_shipment',
        params: shipmentId === undefined ? { orderId } : { orderId, shipmentId },
        target:
          shipmentId === undefined ? { type: 'order', id: orderId } : { type: 'shipment', id: shipmentId },
      },
      (manager, now) => this.cancelInTransaction(manager, now, call, orderId, shipmentId),
    );
  }

  private async cancelInTransaction(
    manager: EntityManager,
    now: Date,
    call: WriteCall,
    orderId: string,
    shipmentId: string | undefined,
  ): Promise<WriteOutcome> {
    const { requestId } = call.caller;
    // The order's lock first, held by the pipeline below too: "is this order known" must not change between the
    // check and the cancel. Cancelling an order we never saw would only record a no-op.
    await lockOrders(manager, [orderId]);
    const [known]: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM shipment WHERE order_id = $1`,
      [orderId],
    );
    if (!known?.n) {
      return notFound(requestId, 'order_not_found', `no shipments are known for order '${orderId}'`);
    }
    const command: CancelCommand = {
      orderId,
      ...(shipmentId === undefined ? {} : { shipmentId }),
      trigger: 'admin',
      actor: call.caller.principal.id,
      reason: call.body.reason,
      // The HTTP request is the cause, and starts the correlation chain of the events it leads to.
      causationId: requestId,
      correlationId: requestId,
      traceParent: call.caller.traceParent ?? null,
    };
    const { results, events } = await this.cancellations.request(manager, [command], now);
    const appended = (await this.outbox.append(manager, events)).length;
    const [result] = results;
    switch (result?.kind) {
      case 'accepted': {
        const created = await manager.query(
          `SELECT id, shipment_id AS "shipmentId", state FROM shipment_cancellation WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
          [result.cancellations.map((c) => c.id)],
        );
        const body = {
          cancellationRequestId: result.requestId,
          orderId,
          scope: shipmentId === undefined ? 'order' : 'shipment',
          shipmentId: shipmentId ?? null,
          trigger: 'admin',
          actor: command.actor,
          reason: command.reason,
          rule: result.rule,
          shipmentCount: result.shipmentCount,
          reshipAllowed: reshipEligible(result.rule),
          manualReshipRequired: result.rule === 'multiple_shipments',
          cancellations: created,
          links: { order: orderLink(orderId) },
        };
        return { status: 202, body, eventsAppended: appended, workDue: result.cancellations.length > 0 };
      }
      case 'duplicate':
        return conflict(
          requestId,
          'order_already_cancelled',
          `order '${orderId}' already has an order-level cancellation`,
          {
            cancellationRequestId: result.requestId,
            link: orderLink(orderId),
          },
          appended,
        );
      case 'shipment_not_found':
        return notFound(
          requestId,
          'shipment_not_found',
          `order '${orderId}' has no shipment '${shipmentId ?? ''}'`,
          appended,
        );
      case 'shipment_not_active':
        return conflict(
          requestId,
          'shipment_not_cancellable',
          `shipment '${shipmentId ?? ''}' is already cancelled or being cancelled`,
          {
            cancellationRequestId: result.requestId,
            link: orderLink(orderId),
          },
          appended,
        );
      default:
        throw new Error('the cancellation pipeline returned no result');
    }
  }

  /** Sends a failed cancellation back to the carrier worker, due now. Anything but `failed` is a conflict. */
  retry(call: WriteCall, cancellationId: string): Promise<AdminResponse> {
    return this.writes.run(
      {
        ...call,
        method: 'POST',
        action: 'retry_cancellation',
        params: { cancellationId },
        target: { type: 'shipment_cancellation', id: cancellationId },
      },
      async (manager, now) => {
        const { requestId } = call.caller;
        const [found]: Array<{ orderId: string }> = await manager.query(
          `SELECT order_id AS "orderId" FROM shipment_cancellation WHERE id = $1`,
          [cancellationId],
        );
        if (!found)
          return notFound(requestId, 'cancellation_not_found', `no cancellation '${cancellationId}'`);
        // The worker and the event path change this row only under the order's lock.
        await lockOrders(manager, [found.orderId]);
        const [current]: Array<{ state: string; shipmentId: string; requestId: string }> =
          await manager.query(
            `SELECT state, shipment_id AS "shipmentId", request_id AS "requestId" FROM shipment_cancellation WHERE id = $1 FOR UPDATE`,
            [cancellationId],
          );
        if (current?.state !== 'failed') {
          return conflict(
            requestId,
            'cancellation_not_failed',
            `only a failed cancellation can be retried; this one is ${current?.state ?? 'gone'}`,
            {
              cancellationId,
              state: current?.state ?? null,
            },
          );
        }
        await manager.query(
          `UPDATE shipment_cancellation
              SET state = 'pending', next_attempt_at = now(), failure_reason = NULL, requires_manual_action = false,
                  -- A fresh attempt budget (attempts keeps counting for the history); possibly_sent stays,
                  -- so "already cancelled" after an earlier attempt of ours still reconciles as voided.
                  attempts_before_retry = attempts,
                  completed_at = NULL, lease_until = NULL, updated_at = $2
            WHERE id = $1`,
          [cancellationId, now],
        );
        await manager.query(`UPDATE shipment SET status = 'cancelling', updated_at = $2 WHERE id = $1`, [
          current.shipmentId,
          now,
        ]);
        await manager.query(
          `UPDATE cancellation_request SET status = 'in_progress', completed_at = NULL WHERE id = $1`,
          [current.requestId],
        );
        const [view] = await loadCancellations(manager, 'sc.id = $1', [cancellationId]);
        return { status: 202, body: view, eventsAppended: 0, workDue: true };
      },
    );
  }
}

function notFound(requestId: string, code: string, message: string, eventsAppended = 0): WriteOutcome {
  return { status: 404, body: errorBody(404, code, message, requestId), eventsAppended, workDue: false };
}

function conflict(
  requestId: string,
  code: string,
  message: string,
  details: Record<string, string | null>,
  eventsAppended = 0,
): WriteOutcome {
  return {
    status: 409,
    body: errorBody(409, code, message, requestId, { conflict: details }),
    eventsAppended,
    workDue: false,
  };
}
