// Operator writes: cancel a shipment or a whole order through the event path's own pipeline (same service,
// same per-order lock, same outbox), and send a failed cancellation back to the carrier worker.
import { Injectable } from '@nestjs/common';
import { reshipEligible } from '../domain/reship-rule';
import { type CancelCommand, CancellationService } from '../pipeline/ingest/cancellation.service';
import {
  findCreatedCancellations,
  findOrderOfCancellation,
  lockCancellationToRetry,
  reopenFailedCancellation,
} from '../store/cancellations.store';
import { lockOrders } from '../store/order-lock';
import { countShipmentsOfOrder } from '../store/shipments.store';
import type { Transaction } from '../store/unit-of-work';
import type { WriteBody } from './admin.schemas';
import { cancellationById } from './admin-views';
import { AdminReadsStore } from '../store/admin-reads.store';
import { type AdminResponse, AuditedWriteService, type WriteOutcome } from './audited-write.service';
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
      (_manager, now, tx) => this.cancelInTransaction(tx, now, call, orderId, shipmentId),
    );
  }

  private async cancelInTransaction(
    tx: Transaction,
    now: Date,
    call: WriteCall,
    orderId: string,
    shipmentId: string | undefined,
  ): Promise<WriteOutcome> {
    const { requestId } = call.caller;
    // The order's lock first, held by the pipeline below too: "is this order known" must not change between the
    // check and the cancel. Cancelling an order we never saw would only record a no-op.
    await lockOrders(tx.manager, [orderId]);
    if ((await countShipmentsOfOrder(tx.manager, orderId)) === 0) {
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
    // New cancellations wake the carrier worker and events reach the relay once this commits.
    const { results, events } = await this.cancellations.request(tx, [command], now);
    await tx.append(events);
    const [result] = results;
    switch (result?.kind) {
      case 'accepted': {
        const created = await findCreatedCancellations(
          tx.manager,
          result.cancellations.map((c) => c.id),
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
        return { status: 202, body };
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
        );
      case 'shipment_not_found':
        return notFound(
          requestId,
          'shipment_not_found',
          `order '${orderId}' has no shipment '${shipmentId ?? ''}'`,
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
      async (manager, now, tx) => {
        const { requestId } = call.caller;
        const orderId = await findOrderOfCancellation(manager, cancellationId);
        if (orderId === null)
          return notFound(requestId, 'cancellation_not_found', `no cancellation '${cancellationId}'`);
        // The worker and the event path change this row only under the order's lock.
        await lockOrders(manager, [orderId]);
        const current = await lockCancellationToRetry(manager, cancellationId);
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
        await reopenFailedCancellation(manager, current, now);
        tx.workDue();
        return { status: 202, body: await cancellationById(new AdminReadsStore(manager), cancellationId) };
      },
    );
  }
}

function notFound(requestId: string, code: string, message: string): WriteOutcome {
  return { status: 404, body: errorBody(404, code, message, requestId) };
}

function conflict(
  requestId: string,
  code: string,
  message: string,
  details: Record<string, string | null>,
): WriteOutcome {
  return { status: 409, body: errorBody(409, code, message, requestId, { conflict: details }) };
}
