import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the service, on a registry of its own (served at /metrics). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly inputs = this.counter(
    'oms_events_in_total',
    'Input events by type and what became of them (processed, duplicate_order, redelivered, dead_lettered).',
    ['type', 'result'],
  );

  readonly outputs = this.counter('oms_events_out_total', 'Output events published to Kafka, by type.', [
    'type',
  ]);

  readonly outcomes = this.counter(
    'oms_cancellation_outcomes_total',
    'Results of carrier attempts applied to shipment cancellations, by carrier and outcome.',
    ['carrier', 'outcome'],
  );

  readonly carrierLatency = this.histogram(
    'oms_carrier_call_duration_seconds',
    'Duration of one carrier operation, retries and rate-limit waits included, by carrier and outcome.',
    ['carrier', 'outcome'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );

  readonly carrierResponses = this.histogram(
    'oms_carrier_http_duration_seconds',
    'Duration of each HTTP exchange with the carrier, by carrier, operation and status.',
    ['carrier', 'operation', 'status'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );

  readonly carrierRequests = this.counter(
    'oms_carrier_requests_total',
    'HTTP requests answered by the carrier, by carrier, operation and the seller account whose quota they used.',
    ['carrier', 'operation', 'seller_account'],
  );

  readonly carrierRateLimit = this.gauge(
    'oms_carrier_rate_limit_per_second',
    'The configured cancel rate per seller account, by carrier (budget use = request rate / this).',
    ['carrier'],
  );

  readonly budgetTokens = this.counter(
    'oms_carrier_budget_tokens_total',
    'Tokens of the shared carrier budget: granted to this instance, or expired unused (sent too late to be safe).',
    ['carrier', 'result'],
  );

  readonly leaseRenewals = this.counter(
    'oms_worker_lease_renewals_total',
    'Leases of cancellations in flight renewed by this instance, and those found taken over by another.',
    ['result'],
  );

  readonly throttled = this.counter(
    'oms_carrier_throttled_total',
    'HTTP 429 answers received from the carrier, by carrier.',
    ['carrier'],
  );

  readonly outboxBacklog = this.gauge('oms_outbox_backlog', 'Output events written but not yet published.');

  readonly ready = this.gauge(
    'oms_ready',
    'Readiness as /health/ready sees it, by check (postgres, kafkaConsumer, kafkaProducer): 1 ready, 0 not.',
    ['check'],
  );

  readonly outboxOldest = this.gauge(
    'oms_outbox_oldest_unpublished_age_seconds',
    'Age of the oldest output event written but not yet published (0 when none waits).',
  );

  readonly waitingOnPerson = this.gauge(
    'oms_cancellations_needing_person',
    'Shipment cancellations that failed and need a person (credentials, window passed, retries exhausted).',
  );

  readonly unknownOutcomes = this.gauge(
    'oms_cancellations_unknown',
    'Shipment cancellations whose carrier outcome is unknown (being reconciled), by how long ago they started.',
    ['age'],
  );

  readonly tableUpkeep = this.counter(
    'oms_table_upkeep_total',
    'ANALYZE and VACUUM runs the service made on its own tables, by table and action.',
    ['table', 'action'],
  );

  readonly rowsPruned = this.counter(
    'oms_rows_pruned_total',
    'Bookkeeping rows deleted once past their retention (outbox, inbox, idempotency), by table.',
    ['table'],
  );

  readonly consumerLag = this.gauge(
    'oms_consumer_lag',
    "Messages between the group's committed offset and the end of each input partition this instance owns.",
    ['topic', 'partition'],
  );

  readonly partitionStalled = this.gauge(
    'oms_partition_stalled_seconds',
    'Seconds since an owned input partition last moved on while input was waiting (0: moving or idle).',
    ['topic', 'partition'],
  );

  constructor() {
    // Node's and the process's own metrics keep their standard names, so stock dashboards and alerts match.
    collectDefaultMetrics({ register: this.registry });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** `buckets`: upper bounds in seconds. */
  private histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
