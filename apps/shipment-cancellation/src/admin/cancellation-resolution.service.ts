// An operator closes a cancellation the carrier left open (failed, unknown, refund_pending) with what they found
// out in Seller Central: the cancellation settles, and one final event tells billing, with no carrier call.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventTypes } from '@oms/events';
import {
  type CarrierAnswer,
  shipmentCancellationFailed,
  shipmentCancelled,
} from '../domain/cancellation-events';
import type { CancellationRow } from '../domain/cancellation';
import { type Resolution, resolve } from '../domain/resolution';
import { CancellationProgress } from '../pipeline/apply/cancellation-progress';
import { AdminReadsStore } from '../store/admin-reads.store';
import { findOrderOfCancellation } from '../store/cancellations.store';
import { lockOrders } from '../store/order-lock';
import type { PendingEvent } from '../store/outbox.writer';
import { lockCancellationToResolve, settleResolvedCancellation } from '../store/resolutions.store';
import type { Transaction } from '../store/unit-of-work';
import type { ResolveBody } from './admin.schemas';
import { cancellationById, resolutionView } from './admin-views';
import { type AdminResponse, AuditedWriteService, type WriteOutcome } from './audited-write.service';
import { errorBody } from './http/admin-error';
import type { WriteCall } from './manual-cancellation.service';

export type ResolveCall = Omit<WriteCall, 'body'> & { body: ResolveBody };

/** The carrier was not asked: the event's carrier exchange carries no answer. */
const NOT_ASKED: CarrierAnswer = {
  requestId: null,
  httpStatus: null,
  errorCode: null,
  errorMessage: null,
  errorDetails: null,
};

@Injectable()
export class CancellationResolutionService {
  constructor(
    private readonly writes: AuditedWriteService,
    private readonly progress: CancellationProgress,
  ) {}

  /** Settles the cancellation as `call.body.outcome` says; a state that does not allow it is a conflict. */
  resolve(call: ResolveCall, cancellationId: string): Promise<AdminResponse> {
    return this.writes.run(
      {
        ...call,
        method: 'POST',
        action: 'resolve_cancellation',
        params: { cancellationId },
        target: { type: 'shipment_cancellation', id: cancellationId },
      },
      (_manager, now, tx) => this.resolveIn(tx, now, call, cancellationId),
    );
  }

  private async resolveIn(tx: Transaction, now: Date, call: ResolveCall, id: string): Promise<WriteOutcome> {
    const { manager } = tx;
    const { requestId } = call.caller;
    const orderId = await findOrderOfCancellation(manager, id);
    // The worker and the event path change this row only under the order's lock.
    if (orderId !== null) await lockOrders(manager, [orderId]);
    const row = orderId === null ? null : await lockCancellationToResolve(manager, id);
    if (row === null) {
      return {
        status: 404,
        body: errorBody(404, 'cancellation_not_found', `no cancellation '${id}'`, requestId),
      };
    }
    const resolution = resolve(row.state, call.body.outcome);
    if (resolution.kind === 'refused') {
      const conflict = { cancellationId: id, state: row.state, outcome: call.body.outcome };
      return {
        status: 409,
        body: errorBody(409, resolution.code, resolution.message, requestId, { conflict }),
      };
    }
    // Its id is chosen here: the cancellation records its final event, for a later one to supersede.
    const event = { ...finalEvent(row, resolution, now), id: randomUUID() };
    await settleResolvedCancellation(
      manager,
      {
        id,
        state: resolution.state,
        outcome: resolution.kind === 'cancelled' ? resolution.verdict.outcome : null,
        failureReason: resolution.kind === 'failed' ? resolution.verdict.reason : null,
        requiresManualAction: false,
        refundStatus: resolution.verdict.refundStatus,
        shipmentStatus: resolution.shipmentStatus,
        eventSequence: event.data.sequence,
        lastFinalEventId: event.id,
      },
      now,
    );
    const traceParent = call.caller.traceParent ?? row.traceParent;
    await tx.append([{ ...event, key: row.orderId, traceParent }]);
    // Settling may close the request, or owe the order its ManualReshipRequired.
    await tx.append(await this.progress.update(manager, [row.orderId], now));
    const view = await cancellationById(new AdminReadsStore(manager), id);
    const { outcome, reason } = call.body;
    // The audit row recording it is written after this answer, in the same transaction.
    const record = { outcome, by: call.caller.principal.id, reason, at: now };
    return { status: 200, body: { ...view, resolution: resolutionView(record) } };
  }
}

type ResolutionEventType = typeof EventTypes.shipmentCancelled | typeof EventTypes.shipmentCancellationFailed;

/** The one final event a resolution earns; it carries the next sequence and supersedes the last final event. */
function finalEvent(
  row: CancellationRow,
  resolution: Exclude<Resolution, { kind: 'refused' }>,
  now: Date,
): Omit<PendingEvent<ResolutionEventType>, 'key'> {
  return resolution.kind === 'cancelled'
    ? { type: EventTypes.shipmentCancelled, data: shipmentCancelled(row, NOT_ASKED, resolution.verdict, now) }
    : {
        type: EventTypes.shipmentCancellationFailed,
        data: shipmentCancellationFailed(row, NOT_ASKED, resolution.verdict, now),
      };
}
