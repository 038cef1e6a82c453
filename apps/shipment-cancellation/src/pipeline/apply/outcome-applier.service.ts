// Applies carrier results to the database in small batches: one transaction per batch updates the state
// machine, records every attempt, and appends the events the new states earn to the outbox.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { traceIdOf } from '../../platform/tracing/trace-context';
import {
  type Span,
  SpanKind,
  endSpan,
  startSpan,
  traceParentFor,
  tracingEnabled,
} from '../../platform/tracing/tracing';
import type { CarrierResult } from '../../domain/carrier-result';
import type { RetryPolicy } from '../../domain/outcome-policy';
import { OutboxWriter } from '../../store/outbox.writer';
import { applyOutcomes } from '../../store/outcomes.store';
import { type Transaction, UnitOfWork } from '../../store/unit-of-work';
import { CancellationProgress } from './cancellation-progress';
import { type PlannedOutcome, planOutcome } from './outcome-rows';

@Injectable()
export class OutcomeApplier {
  private readonly logger = new Logger('OutcomeApplier');
  readonly policy: RetryPolicy;

  constructor(
    private readonly unitOfWork: UnitOfWork,
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
      await this.unitOfWork.run((tx) => this.applyIn(tx, results, spans));
    } catch (error) {
      spans?.forEach((span) => endSpan(span, error));
      throw error;
    }
    spans?.forEach((span) => endSpan(span));
  }

  /** The batch's transaction: the relay is told once it commits, if it appended any event. */
  private async applyIn(
    tx: Transaction,
    results: CarrierResult[],
    spans: Array<Span | undefined> | null,
  ): Promise<void> {
    const now = new Date();
    const planned = results.map((result, i) => {
      const parent = result.row.traceParent;
      return planOutcome(result, this.policy, now, spans ? traceParentFor(spans[i], parent) : parent);
    });
    const earning = planned.flatMap((p) => (p.event ? [{ ownerId: p.result.row.id, event: p.event }] : []));
    const prepared = this.outbox.prepare(earning.map((e) => e.event));
    // One statement: it takes the orders' locks, then the state machine moves only where our claim still
    // holds, and the attempt, the shipment's status and the outcome event are written with it.
    const applied = await applyOutcomes(tx.manager, {
      updates: planned.map((p) => p.update),
      attempts: planned.map((p) => p.attempt),
      events: prepared.map((p, i) => ({ ...p, ownerId: earning[i]?.ownerId })),
      orderIds: results.map((r) => r.row.orderId),
      now,
    });
    const appliedIds = new Set(applied.map((a) => a.id));
    let appended = 0;
    for (const outcome of planned) {
      // A lease that ran out was claimed again elsewhere: that claim owns the state now.
      if (!appliedIds.has(outcome.result.row.id)) {
        this.logger.warn(
          `stale carrier result for cancellation ${outcome.result.row.id}: recorded, not applied`,
        );
        continue;
      }
      if (outcome.event) appended += 1;
      this.observe(outcome);
    }
    // Every order of the batch: whether it has several shipments is read after the locks (see AppliedOutcome).
    const orderIds = [...new Set(applied.map((a) => a.orderId))];
    const events = await this.progress.update(tx.manager, orderIds, now);
    await tx.append(events);
    // The apply statement wrote its events itself: the relay hears of them too.
    tx.eventsAppended(appended);
  }

  /** Logs the applied outcome and counts it by carrier and transition. */
  private observe({ result, transition, update }: PlannedOutcome): void {
    const { row } = result;
    const fields = {
      orderId: row.orderId,
      shipmentId: row.shipmentId,
      cancellationId: row.id,
      correlationId: row.correlationId,
      causationId: row.causationId,
      carrierRequestId: update.carrierRequestId,
      transition: transition.kind,
      state: update.state,
      ...(row.traceParent ? { traceId: traceIdOf(row.traceParent) } : {}),
    };
    if (transition.kind === 'failed') this.logger.warn(`cancellation failed: ${transition.reason}`, fields);
    else this.logger.debug(`cancellation ${update.state}`, fields);
    this.metrics.outcomes.inc({
      carrier: row.carrier,
      outcome:
        transition.kind === 'cancelled'
          ? transition.outcome
          : transition.kind === 'failed'
            ? `failed:${transition.reason}`
            : `retry:${transition.state}`,
    });
  }
}
