// Applies carrier results to the database in small batches: one transaction per batch updates the state
// machine, records every attempt, and appends the events the new states earn to the outbox.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EventTypes } from '@oms/events';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxWriter, type PendingEvent } from '../outbox/outbox.writer';
import { CancellationProgress } from './cancellation-progress';
import { type CarrierAnswer, shipmentCancellationFailed, shipmentCancelled } from './cancellation-events';
import type { CarrierResult } from './carrier-result';
import { lockOrders } from './order-lock';
import { type RetryPolicy, type Transition, afterCancel, afterFollowUp } from './outcome-policy';

interface Update {
  id: string;
  state: string;
  outcome: string | null;
  failureReason: string | null;
  requiresManualAction: boolean;
  refundStatus: string | null;
  nextAttemptAt: Date | null;
  completedAt: Date | null;
  possiblySent: boolean;
  answer: CarrierAnswer;
  shipmentStatus: string | null;
}

export function answerOf(result: CarrierResult): CarrierAnswer {
  if (result.operation === 'cancel') {
    const o = result.outcome;
    return {
      requestId: o.requestId ?? null,
      httpStatus: o.httpStatus ?? null,
      errorCode: o.errorCode ?? null,
      errorMessage: o.errorMessage ?? null,
      errorDetails: o.errorDetails ?? null,
    };
  }
  const s = result.status;
  return {
    requestId: 'requestId' in s ? (s.requestId ?? null) : null,
    httpStatus: s.kind === 'error' ? (s.httpStatus ?? null) : null,
    errorCode: null,
    errorMessage: s.kind === 'error' ? s.message : null,
    errorDetails: null,
  };
}

@Injectable()
export class OutcomeApplier {
  private readonly logger = new Logger('OutcomeApplier');
  readonly policy: RetryPolicy;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly progress: CancellationProgress,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = {
      maxAttempts: config.worker.maxAttempts,
      baseDelayMs: 1_000,
      maxDelayMs: 5 * 60_000,
      refundFollowUpMs: config.worker.refundFollowUpMs,
      random: Math.random,
    };
  }

  async apply(results: CarrierResult[]): Promise<void> {
    if (results.length === 0) return;
    let appended = 0;
    await this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const orderIds = [...new Set(results.map((r) => r.row.orderId))];
      await lockOrders(manager, orderIds);
      const current: Array<{ id: string; state: string; attempts: number }> = await manager.query(
        `SELECT id, state, attempts FROM shipment_cancellation WHERE id = ANY($1) FOR UPDATE`,
        [results.map((r) => r.row.id)],
      );
      const currentById = new Map(current.map((c) => [c.id, c]));
      const updates: Update[] = [];
      const events: PendingEvent[] = [];
      for (const result of results) {
        const live = currentById.get(result.row.id);
        // A lease that ran out was claimed again elsewhere: that claim owns the state now.
        if (!live || live.state !== 'in_flight' || live.attempts !== result.row.attempts) {
          this.logger.warn(`stale carrier result for cancellation ${result.row.id}: recorded, not applied`);
          continue;
        }
        const transition = this.transitionFor(result);
        const update = this.updateFor(result, transition, now);
        updates.push(update);
        const event = this.eventFor(result, transition, update.answer, now);
        if (event) events.push(event);
        const fields = {
          orderId: result.row.orderId,
          shipmentId: result.row.shipmentId,
          cancellationId: result.row.id,
          correlationId: result.row.correlationId,
          causationId: result.row.causationId,
          carrierRequestId: update.answer.requestId,
          transition: transition.kind,
          state: update.state,
        };
        if (transition.kind === 'failed')
          this.logger.warn(`cancellation failed: ${transition.reason}`, fields);
        else this.logger.debug(`cancellation ${update.state}`, fields);
        this.metrics.outcomes.inc({
          carrier: result.row.carrier,
          outcome:
            transition.kind === 'cancelled'
              ? transition.outcome
              : transition.kind === 'failed'
                ? `failed:${transition.reason}`
                : `retry:${transition.state}`,
        });
      }
      await recordAttempts(manager, results);
      await writeUpdates(manager, updates, now);
      events.push(...(await this.progress.update(manager, orderIds, now)));
      appended = (await this.outbox.append(manager, events)).length;
    });
    if (appended > 0) this.outbox.notifyCommitted();
  }

  private transitionFor(result: CarrierResult): Transition {
    if (result.operation === 'status') return afterFollowUp(result.status, this.policy);
    const { row } = result;
    const attempts = row.attempts - row.attemptsBeforeRetry;
    return afterCancel(
      result.outcome,
      { carrier: row.carrier, attempts, possiblySent: row.possiblySent },
      this.policy,
    );
  }

  private updateFor(result: CarrierResult, t: Transition, now: Date): Update {
    const answer = answerOf(result);
    const landedMaybe = result.operation === 'cancel' && result.outcome.kind === 'unknown';
    const base = { id: result.row.id, answer, possiblySent: result.row.possiblySent || landedMaybe };
    switch (t.kind) {
      case 'cancelled':
        return {
          ...base,
          state: t.state,
          outcome: t.outcome,
          failureReason: null,
          requiresManualAction: false,
          refundStatus: t.refundStatus,
          nextAttemptAt: t.followUpInMs === undefined ? null : new Date(now.getTime() + t.followUpInMs),
          completedAt: t.final ? now : null,
          shipmentStatus: 'cancelled',
        };
      case 'failed':
        return {
          ...base,
          state: 'failed',
          outcome: null,
          failureReason: t.reason,
          requiresManualAction: t.requiresManualAction,
          refundStatus: t.refundStatus,
          nextAttemptAt: null,
          completedAt: now,
          shipmentStatus: 'cancel_failed',
        };
      case 'retry':
        return {
          ...base,
          state: t.state,
          outcome: t.state === 'refund_pending' ? 'refund_pending' : null,
          failureReason: null,
          requiresManualAction: false,
          refundStatus: null,
          nextAttemptAt: new Date(now.getTime() + t.delayMs),
          completedAt: null,
          shipmentStatus: null,
        };
    }
  }

  private eventFor(
    result: CarrierResult,
    t: Transition,
    answer: CarrierAnswer,
    now: Date,
  ): PendingEvent | null {
    const key = result.row.orderId;
    if (t.kind === 'cancelled') {
      const data = shipmentCancelled(result.row, answer, t.outcome, t.final, t.refundStatus, now);
      return { type: EventTypes.shipmentCancelled, data, key };
    }
    if (t.kind === 'failed') {
      const data = shipmentCancellationFailed(
        result.row,
        answer,
        t.reason,
        t.requiresManualAction,
        t.refundStatus,
        now,
      );
      return { type: EventTypes.shipmentCancellationFailed, data, key };
    }
    return null;
  }
}

async function recordAttempts(manager: EntityManager, results: CarrierResult[]): Promise<void> {
  await manager.query(
    `INSERT INTO carrier_attempt (shipment_cancellation_id, attempt, operation, outcome, http_status, carrier_request_id,
                                  error_code, error_message, tries, elapsed_ms, finished_at)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[],
                          $9::int[], $10::int[], $11::timestamptz[])`,
    [
      results.map((r) => r.row.id),
      results.map((r) => r.row.attempts),
      results.map((r) => r.operation),
      results.map((r) => (r.operation === 'cancel' ? r.outcome.kind : `status:${r.status.kind}`)),
      results.map((r) => answerOf(r).httpStatus),
      results.map((r) => answerOf(r).requestId),
      results.map((r) => answerOf(r).errorCode),
      results.map((r) => answerOf(r).errorMessage),
      results.map((r) => (r.operation === 'cancel' ? r.outcome.attempts : 1)),
      results.map((r) => Math.round(r.elapsedMs)),
      results.map((r) => r.finishedAt),
    ],
  );
}

async function writeUpdates(manager: EntityManager, updates: Update[], now: Date): Promise<void> {
  if (updates.length === 0) return;
  await manager.query(
    `UPDATE shipment_cancellation sc
        SET state = u.state, outcome = COALESCE(u.outcome, sc.outcome), failure_reason = u.failure_reason,
            requires_manual_action = u.requires_manual_action, refund_status = COALESCE(u.refund_status, sc.refund_status),
            next_attempt_at = u.next_attempt_at, completed_at = u.completed_at, possibly_sent = u.possibly_sent,
            operation = CASE WHEN u.state = 'refund_pending' THEN 'follow_up' ELSE sc.operation END,
            lease_until = NULL, carrier_request_id = COALESCE(u.request_id, sc.carrier_request_id),
            http_status = u.http_status, error_code = u.error_code, error_message = u.error_message,
            error_details = u.error_details, updated_at = $16
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::timestamptz[],
                   $8::timestamptz[], $9::boolean[], $10::text[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[])
         AS u(id, state, outcome, failure_reason, requires_manual_action, refund_status, next_attempt_at, completed_at,
              possibly_sent, request_id, http_status, error_code, error_message, error_details, shipment_status)
      WHERE sc.id = u.id`,
    [
      updates.map((u) => u.id),
      updates.map((u) => u.state),
      updates.map((u) => u.outcome),
      updates.map((u) => u.failureReason),
      updates.map((u) => u.requiresManualAction),
      updates.map((u) => u.refundStatus),
      updates.map((u) => u.nextAttemptAt),
      updates.map((u) => u.completedAt),
      updates.map((u) => u.possiblySent),
      updates.map((u) => u.answer.requestId),
      updates.map((u) => u.answer.httpStatus),
      updates.map((u) => u.answer.errorCode),
      updates.map((u) => u.answer.errorMessage),
      updates.map((u) => u.answer.errorDetails),
      updates.map((u) => u.shipmentStatus),
      now,
    ],
  );
  const shipments = updates.filter((u) => u.shipmentStatus !== null);
  if (shipments.length > 0) {
    await manager.query(
      `UPDATE shipment s SET status = u.status, updated_at = $3
         FROM unnest($1::uuid[], $2::text[]) AS u(cancellation_id, status)
         JOIN shipment_cancellation sc ON sc.id = u.cancellation_id
        WHERE s.id = sc.shipment_id`,
      [shipments.map((u) => u.id), shipments.map((u) => u.shipmentStatus), now],
    );
  }
}
