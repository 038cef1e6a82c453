import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the service, on a registry of its own (served at /metrics). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly inputs = new Counter({
    name: 'oms_events_in_total',
    help: 'Input events by type and what became of them (processed, duplicate_order, redelivered, dead_lettered).',
    labelNames: ['type', 'result'] as const,
    registers: [this.registry],
  });

  readonly outputs = new Counter({
    name: 'oms_events_out_total',
    help: 'Output events published to Kafka, by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly outcomes = new Counter({
    name: 'oms_cancellation_outcomes_total',
    help: 'Results of carrier attempts applied to shipment cancellations, by carrier and outcome.',
    labelNames: ['carrier', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly carrierLatency = new Histogram({
    name: 'oms_carrier_call_duration_seconds',
    help: 'Duration of one carrier operation, retries and rate-limit waits included, by carrier and outcome.',
    labelNames: ['carrier', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly carrierResponses = new Histogram({
    name: 'oms_carrier_http_duration_seconds',
    help: 'Duration of each HTTP exchange with the carrier, by carrier, operation and status.',
    labelNames: ['carrier', 'operation', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly carrierRequests = new Counter({
    name: 'oms_carrier_requests_total',
    help: 'HTTP requests answered by the carrier, by carrier, operation and the seller account whose quota they used.',
    labelNames: ['carrier', 'operation', 'seller_account'] as const,
    registers: [this.registry],
  });

  readonly carrierRateLimit = new Gauge({
    name: 'oms_carrier_rate_limit_per_second',
    help: 'The configured cancel rate per seller account, by carrier (budget use = request rate / this).',
    labelNames: ['carrier'] as const,
    registers: [this.registry],
  });

  readonly throttled = new Counter({
    name: 'oms_carrier_throttled_total',
    help: 'HTTP 429 answers received from the carrier, by carrier.',
    labelNames: ['carrier'] as const,
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'oms_outbox_backlog',
    help: 'Output events written but not yet published.',
    registers: [this.registry],
  });

  readonly ready = new Gauge({
    name: 'oms_ready',
    help: 'Readiness as /health/ready sees it, by check (postgres, kafkaConsumer, kafkaProducer): 1 ready, 0 not.',
    labelNames: ['check'] as const,
    registers: [this.registry],
  });

  readonly outboxOldest = new Gauge({
    name: 'oms_outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest output event written but not yet published (0 when none waits).',
    registers: [this.registry],
  });

  readonly waitingOnPerson = new Gauge({
    name: 'oms_cancellations_needing_person',
    help: 'Shipment cancellations that failed and need a person (credentials, window passed, retries exhausted).',
    registers: [this.registry],
  });

  readonly unknownOutcomes = new Gauge({
    name: 'oms_cancellations_unknown',
    help: 'Shipment cancellations whose carrier outcome is unknown (being reconciled), by how long ago they started.',
    labelNames: ['age'] as const,
    registers: [this.registry],
  });

  readonly tableUpkeep = new Counter({
    name: 'oms_table_upkeep_total',
    help: 'ANALYZE and VACUUM runs the service made on its own tables, by table and action.',
    labelNames: ['table', 'action'] as const,
    registers: [this.registry],
  });

  readonly rowsPruned = new Counter({
    name: 'oms_rows_pruned_total',
    help: 'Bookkeeping rows deleted once past their retention (outbox, inbox, idempotency), by table.',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'oms_consumer_lag',
    help: "Messages between the group's committed offset and the end of each input partition this instance owns.",
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly partitionStalled = new Gauge({
    name: 'oms_partition_stalled_seconds',
    help: 'Seconds since an owned input partition last moved on while input was waiting (0: moving or idle).',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Node's and the process's own metrics keep their standard names, so stock dashboards and alerts match.
    collectDefaultMetrics({ register: this.registry });
  }
}
