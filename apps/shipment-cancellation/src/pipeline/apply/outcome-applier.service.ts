// Applies carrier results to the database in small batches: one transaction per batch updates the state
// machine, records every attempt, and appends the events the new states earn to the outbox.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EventTypes } from '@oms/events';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { traceIdOf } from '../../platform/tracing/trace-context';
import {
  OutboxWriter,
  type PendingEvent,
  type PreparedEvent,
  outboxColumns,
} from '../../store/outbox.writer';
import { CancellationProgress } from './cancellation-progress';
import {
  type CarrierAnswer,
  shipmentCancellationFailed,
  shipmentCancelled,
} from '../../domain/cancellation-events';
import type { CarrierResult } from '../../domain/carrier-result';
import { SC_STATE } from '../../store/cancellation-columns';
import { lockOrdersSql } from '../../store/order-lock';
import { type RetryPolicy, type Transition, afterCancel, afterFollowUp } from '../../domain/outcome-policy';
import { preparedQuery } from '../../store/query-rows';
import {
  type Span,
  SpanKind,
  endSpan,
  startSpan,
  traceParentFor,
  tracingEnabled,
} from '../../platform/tracing/tracing';

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
    // With tracing on, one span per result, a child of its cancellation's trace; its events carry that span.
    const spans: Array<Span | undefined> | null = tracingEnabled()
      ? results.map((r) =>
          startSpan('apply carrier result', SpanKind.INTERNAL, r.row.traceParent, {
            'oms.cancellation_id': r.row.id,
            'oms.order_id': r.row.orderId,
          }),
        )
      : null;
    try {
      await this.applyInTransaction(results, spans, (n) => (appended += n));
    } catch (error) {
      spans?.forEach((span) => endSpan(span, error));
      throw error;
    }
    spans?.forEach((span) => endSpan(span));
    if (appended > 0) this.outbox.notifyCommitted();
  }

  private async applyInTransaction(
    results: CarrierResult[],
    spans: Array<Span | undefined> | null,
    count: (appended: number) => void,
  ): Promise<void> {
    let appended = 0;
    await this.dataSource.transaction(async (manager) => {
      appended = 0;
      const now = new Date();
      const planned = results.map((result, i) => {
        const transition = this.transitionFor(result);
        const update = this.updateFor(result, transition, now);
        const traceParent = spans ? traceParentFor(spans[i], result.row.traceParent) : result.row.traceParent;
        return {
          result,
          transition,
          update,
          event: this.eventFor(result, transition, update.answer, now, traceParent),
        };
      });
      const outbox = this.outbox.prepare(planned.flatMap((p) => (p.event ? [p.event] : [])));
      const eventOwners = planned.flatMap((p) => (p.event ? [p.result.row.id] : []));
      // One statement: it takes the orders' locks, then the state machine moves only where our claim still
      // holds, and the attempt, the shipment's status and the outcome event are written with it.
      const applied = await writeResults(manager, results, planned, { outbox, eventOwners }, now);
      const appliedIds = new Set(applied.map((a) => a.id));
      for (const { result, transition, update, event } of planned) {
        // A lease that ran out was claimed again elsewhere: that claim owns the state now.
        if (!appliedIds.has(result.row.id)) {
          this.logger.warn(`stale carrier result for cancellation ${result.row.id}: recorded, not applied`);
          continue;
        }
        if (event) appended += 1;
        this.observe(result, transition, update);
      }
      const orderIds = [...new Set(applied.map((a) => a.orderId))];
      const severalShipments = [
        ...new Set(applied.filter((a) => a.rule === 'multiple_shipments').map((a) => a.orderId)),
      ];
      const events = await this.progress.update(manager, orderIds, now, severalShipments);
      appended += (await this.outbox.append(manager, events)).length;
    });
    count(appended);
  }

  private observe(result: CarrierResult, transition: Transition, update: Update): void {
    const fields = {
      orderId: result.row.orderId,
      shipmentId: result.row.shipmentId,
      cancellationId: result.row.id,
      correlationId: result.row.correlationId,
      causationId: result.row.causationId,
      carrierRequestId: update.answer.requestId,
      transition: transition.kind,
      state: update.state,
      ...(result.row.traceParent ? { traceId: traceIdOf(result.row.traceParent) } : {}),
    };
    if (transition.kind === 'failed') this.logger.warn(`cancellation failed: ${transition.reason}`, fields);
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
    traceParent: string | null,
  ): PendingEvent | null {
    const key = result.row.orderId;
    if (t.kind === 'cancelled') {
      const data = shipmentCancelled(result.row, answer, t.outcome, t.final, t.refundStatus, now);
      return { type: EventTypes.shipmentCancelled, data, key, traceParent };
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
      return { type: EventTypes.shipmentCancellationFailed, data, key, traceParent };
    }
    return null;
  }
}

/** The statement of writeResults (below); its parameters are the arrays writeResults builds. */
export const APPLY_RESULTS = `WITH locks AS (${lockOrdersSql('unnest($35::text[]) AS t(o)')}
 ), u AS (
   -- Joined with the locks, so no row is updated before every lock is held.
   SELECT u.* FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[],
                          $8::timestamptz[], $9::timestamptz[], $10::boolean[], $11::text[], $12::int[],
                          $13::text[], $14::text[], $15::text[], $16::text[])
     AS u(id, attempts, state, outcome, failure_reason, requires_manual_action, refund_status, next_attempt_at,
          completed_at, possibly_sent, request_id, http_status, error_code, error_message, error_details,
          shipment_status), locks
 ), applied AS (
   UPDATE shipment_cancellation sc
      SET state = u.state, outcome = COALESCE(u.outcome, sc.outcome), failure_reason = u.failure_reason,
          requires_manual_action = u.requires_manual_action,
          refund_status = COALESCE(u.refund_status, sc.refund_status),
          next_attempt_at = u.next_attempt_at, completed_at = u.completed_at, possibly_sent = u.possibly_sent,
          operation = CASE WHEN u.state = 'refund_pending' THEN 'follow_up' ELSE sc.operation END,
          lease_until = NULL, carrier_request_id = COALESCE(u.request_id, sc.carrier_request_id),
          http_status = u.http_status, error_code = u.error_code, error_message = u.error_message,
          error_details = u.error_details, updated_at = $17
     FROM u
    WHERE sc.id = u.id AND ${SC_STATE} = 'in_flight' AND sc.attempts = u.attempts
   RETURNING sc.id, sc.order_id, sc.shipment_id, sc.request_id, u.shipment_status
 ), shipments AS (
   UPDATE shipment s SET status = a.shipment_status, updated_at = $17
     FROM applied a WHERE s.id = a.shipment_id AND a.shipment_status IS NOT NULL
 ), attempts AS (
   INSERT INTO carrier_attempt (shipment_cancellation_id, attempt, operation, outcome, http_status,
                                carrier_request_id, error_code, error_message, tries, elapsed_ms, finished_at)
   SELECT * FROM unnest($18::uuid[], $19::int[], $20::text[], $21::text[], $22::int[], $23::text[], $24::text[],
                        $25::text[], $26::int[], $27::int[], $28::timestamptz[])
 ), events AS (
   INSERT INTO outbox_event (event_id, topic, message_key, event_type, payload)
   SELECT e.event_id, e.topic, e.message_key, e.event_type, p.payload
     FROM unnest($29::uuid[], $30::uuid[], $31::text[], $32::text[], $33::text[])
            WITH ORDINALITY AS e(cancellation_id, event_id, topic, message_key, event_type, n)
     JOIN jsonb_array_elements($34::jsonb) WITH ORDINALITY AS p(payload, n) USING (n)
     JOIN applied a ON a.id = e.cancellation_id
    ORDER BY e.n
 )
 SELECT a.id, a.order_id AS "orderId", r.rule
   FROM applied a JOIN cancellation_request r ON r.id = a.request_id`;

/**
 * Takes the orders' locks for the rest of the transaction, then applies the updates whose claim still holds
 * (in flight, same attempt), records every attempt, moves the shipments and appends the applied updates'
 * events; returns the applied cancellations with their rule. The statement's snapshot predates the wait for
 * the locks, which is safe: a row another transaction changed meanwhile is re-read under its row lock and
 * updated only if the claim still holds (READ COMMITTED re-checks the WHERE), and what comes after (progress)
 * runs in statements of its own.
 */
async function writeResults(
  manager: EntityManager,
  results: CarrierResult[],
  planned: Array<{ update: Update; result: CarrierResult }>,
  events: { outbox: PreparedEvent[]; eventOwners: string[] },
  now: Date,
): Promise<Array<{ id: string; orderId: string; rule: string }>> {
  const updates = planned.map((p) => p.update);
  const answers = results.map(answerOf);
  return preparedQuery(manager, APPLY_RESULTS, [
    updates.map((u) => u.id),
    planned.map((p) => p.result.row.attempts),
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
    results.map((r) => r.row.id),
    results.map((r) => r.row.attempts),
    results.map((r) => r.operation),
    results.map((r) => (r.operation === 'cancel' ? r.outcome.kind : `status:${r.status.kind}`)),
    answers.map((a) => a.httpStatus),
    answers.map((a) => a.requestId),
    answers.map((a) => a.errorCode),
    answers.map((a) => a.errorMessage),
    results.map((r) => (r.operation === 'cancel' ? r.outcome.attempts : 1)),
    results.map((r) => Math.round(r.elapsedMs)),
    results.map((r) => r.finishedAt),
    events.eventOwners,
    ...outboxColumns(events.outbox),
    results.map((r) => r.row.orderId),
  ]);
}
