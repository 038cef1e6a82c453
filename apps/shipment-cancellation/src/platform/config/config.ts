// The service's whole configuration, read once from the environment and validated at start.
// Every problem is reported, one line per variable, before anything connects.
import { Topics } from '@oms/events';
import { type Env, EnvReader } from './env-reader';

export type CarrierEndpoint = 'production' | 'sandbox' | string;

export interface LwaCredentialSet {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** An admin API key as configured: who, what it may do, and the SHA-256 of the key (never the key). */
export interface AdminApiKey {
  id: string;
  role: 'viewer' | 'operator';
  sha256: string;
}

export interface AppConfig {
  http: { host: string; port: number };
  databaseUrl: string;
  runMigrations: boolean;
  /** How often the hot tables' statistics (and, with autovacuum off, dead rows) are looked after; 0: never. */
  database: { upkeepIntervalMs: number };
  /** How long bookkeeping rows are kept, and how often old ones are deleted (0: never). */
  retention: { intervalMs: number; inboxDays: number; outboxDays: number; idempotencyHours: number };
  kafka: {
    brokers: string[];
    clientId: string;
    groupId: string;
    partitions: number;
    fetchMinBytes: number;
    fetchMaxWaitMs: number;
  };
  topics: {
    orderCancelled: string;
    shipmentPurchased: string;
    shipmentCancelled: string;
    manualReshipRequired: string;
    shipmentCancellationFailed: string;
    deadLetter: string;
  };
  carrier: {
    lwaTokenUrl: string;
    shippingV2: CarrierEndpoint;
    mfnV0: CarrierEndpoint;
    mwsBridge: string;
    mwsFormat: 'json' | 'xml';
    /** Credentials per seller account; `*` applies to any account without its own entry. */
    credentials: Record<string, LwaCredentialSet>;
    rateLimits: Record<
      'amazon-shipping-v2' | 'amazon-mfn-mws' | 'amazon-mfn-v0',
      { ratePerSecond: number; burst: number }
    >;
    attemptTimeoutMs: number;
    deadlineMs: number;
    /** The shared budget grants tokens up to this far ahead (see pipeline/dispatch/shared-rate-budget.ts). */
    budgetHorizonMs: number;
    /** Arrival jitter the rate limits absorb: half for a late send, half for the network (see gcraSpacing). */
    rateLimitMarginMs: number;
    /** Keep-alive connections per carrier origin; calls beyond them wait for one with their token in hand. */
    maxConnections: number;
  };
  worker: {
    concurrency: number;
    pollIntervalMs: number;
    leaseMs: number;
    maxAttempts: number;
    refundFollowUpMs: number;
  };
  outbox: { pollIntervalMs: number; batchSize: number };
  /**
   * A ShipmentPurchased for an order already cancelled is cancelled when its label was bought up to this long
   * after the cancel was received (clocks differ); a label bought later is the reship and is left alone.
   */
  reshipGuardSkewMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  serviceSource: string;
  admin: {
    apiKeys: AdminApiKey[];
    rateLimitPerMinute: number;
    /** Calls without a valid key, per client address. */
    unauthenticatedRateLimitPerMinute: number;
    bodyLimitBytes: number;
    /** /docs and its JSON/YAML need a valid admin key. */
    docsRequireKey: boolean;
  };
  /** OpenTelemetry spans: off unless an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp is set. */
  tracing: TracingConfig;
}

export interface TracingConfig {
  /** 'none': no spans are recorded (trace context still travels from inputs to outputs). */
  exporter: 'none' | 'otlp';
  /** OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces. */
  url: string;
  serviceName: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// Sandbox-only credentials, accepted by apps/carrier-sandbox; real ones come from CARRIER_CREDENTIALS.
const SANDBOX_CREDENTIALS: LwaCredentialSet = {
  clientId: 'amzn1.application-oa2-client.sandbox',
  clientSecret: 'sandbox-client-secret',
  refreshToken: 'Atzr|sandbox-refresh-token',
};

/** Reads and validates the configuration; throws one ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const carrierBase = read.url('CARRIER_BASE_URL', 'http://127.0.0.1:4010');
  const config: AppConfig = {
    http: { host: read.string('HTTP_HOST', '127.0.0.1'), port: read.port('HTTP_PORT', 3000) },
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/oms_cancellation', [
      'postgres:',
      'postgresql:',
    ]),
    runMigrations: read.boolean('RUN_MIGRATIONS', true),
    database: { upkeepIntervalMs: read.integer('DB_UPKEEP_INTERVAL_MS', 5_000, 0, 3_600_000) },
    retention: {
      intervalMs: read.integer('DB_RETENTION_INTERVAL_MS', 3_600_000, 0, 86_400_000),
      inboxDays: read.integer('INBOX_RETENTION_DAYS', 14, 1, 3_650),
      outboxDays: read.integer('OUTBOX_RETENTION_DAYS', 7, 1, 3_650),
      idempotencyHours: read.integer('IDEMPOTENCY_RETENTION_HOURS', 24, 1, 87_600),
    },
    kafka: {
      brokers: read.list('KAFKA_BROKERS', '127.0.0.1:9092', /^[^\s:]+:\d{1,5}$/, 'host:port'),
      clientId: read.string('KAFKA_CLIENT_ID', 'oms-shipment-cancellation'),
      groupId: read.string('KAFKA_GROUP_ID', 'oms-shipment-cancellation'),
      partitions: read.integer('KAFKA_TOPIC_PARTITIONS', 6, 1, 1000),
      fetchMinBytes: read.integer('KAFKA_FETCH_MIN_BYTES', 16_384, 1, 1_048_576),
      fetchMaxWaitMs: read.integer('KAFKA_FETCH_MAX_WAIT_MS', 20, 1, 5_000),
    },
    topics: {
      orderCancelled: read.string('TOPIC_ORDER_CANCELLED', Topics.orderCancelled),
      shipmentPurchased: read.string('TOPIC_SHIPMENT_PURCHASED', Topics.shipmentPurchased),
      shipmentCancelled: read.string('TOPIC_SHIPMENT_CANCELLED', Topics.shipmentCancelled),
      manualReshipRequired: read.string('TOPIC_MANUAL_RESHIP_REQUIRED', Topics.manualReshipRequired),
      shipmentCancellationFailed: read.string(
        'TOPIC_SHIPMENT_CANCELLATION_FAILED',
        Topics.shipmentCancellationFailed,
      ),
      deadLetter: read.string('TOPIC_DEAD_LETTER', Topics.deadLetter),
    },
    carrier: {
      lwaTokenUrl: read.url('CARRIER_LWA_TOKEN_URL', `${carrierBase}/auth/o2/token`),
      shippingV2: read.endpoint('CARRIER_SHIPPING_V2_ENDPOINT', carrierBase),
      mfnV0: read.endpoint('CARRIER_MFN_V0_ENDPOINT', carrierBase),
      mwsBridge: read.url('CARRIER_MWS_BRIDGE_URL', carrierBase),
      mwsFormat: read.oneOf('CARRIER_MWS_FORMAT', 'json', ['json', 'xml'] as const),
      credentials: read.credentials('CARRIER_CREDENTIALS', { '*': SANDBOX_CREDENTIALS }),
      rateLimits: {
        'amazon-shipping-v2': read.rate('CARRIER_RATE_SHIPPING_V2', { ratePerSecond: 80, burst: 100 }),
        'amazon-mfn-mws': read.rate('CARRIER_RATE_MFN_MWS', { ratePerSecond: 5, burst: 10 }),
        'amazon-mfn-v0': read.rate('CARRIER_RATE_MFN_V0', { ratePerSecond: 1, burst: 1 }),
      },
      attemptTimeoutMs: read.integer('CARRIER_ATTEMPT_TIMEOUT_MS', 10_000, 100, 120_000),
      deadlineMs: read.integer('CARRIER_DEADLINE_MS', 30_000, 500, 600_000),
      budgetHorizonMs: read.integer('CARRIER_BUDGET_HORIZON_MS', 250, 10, 10_000),
      rateLimitMarginMs: read.integer('CARRIER_RATE_LIMIT_MARGIN_MS', 100, 0, 1_000),
      maxConnections: read.integer('CARRIER_MAX_CONNECTIONS', 128, 1, 1024),
    },
    worker: {
      concurrency: read.integer('WORKER_CONCURRENCY', 128, 1, 4096),
      pollIntervalMs: read.integer('WORKER_POLL_INTERVAL_MS', 250, 10, 60_000),
      // Renewed every third of it while the call runs: a dead instance's work comes back within one lease.
      leaseMs: read.integer('WORKER_LEASE_MS', 9_000, 1_000, 3_600_000),
      maxAttempts: read.integer('WORKER_MAX_ATTEMPTS', 25, 1, 1000),
      refundFollowUpMs: read.integer('WORKER_REFUND_FOLLOW_UP_MS', 60_000, 10, 86_400_000),
    },
    outbox: {
      pollIntervalMs: read.integer('OUTBOX_POLL_INTERVAL_MS', 200, 5, 60_000),
      batchSize: read.integer('OUTBOX_BATCH_SIZE', 500, 1, 10_000),
    },
    reshipGuardSkewMs: read.integer('RESHIP_GUARD_SKEW_MS', 2_000, 0, 3_600_000),
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const),
    serviceSource: read.string('EVENT_SOURCE', '/oms/shipment-cancellation'),
    admin: {
      apiKeys: read.apiKeys('ADMIN_API_KEYS'),
      rateLimitPerMinute: read.integer('ADMIN_RATE_LIMIT_PER_MINUTE', 120, 1, 1_000_000),
      unauthenticatedRateLimitPerMinute: read.integer(
        'ADMIN_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE',
        30,
        1,
        1_000_000,
      ),
      bodyLimitBytes: read.integer('ADMIN_BODY_LIMIT_BYTES', 16_384, 256, 1_048_576),
      docsRequireKey: read.boolean('ADMIN_DOCS_REQUIRE_KEY', false),
    },
    tracing: readTracing(read),
  };
  if (config.carrier.deadlineMs < config.carrier.attemptTimeoutMs) {
    problems.push('CARRIER_DEADLINE_MS: must be at least CARRIER_ATTEMPT_TIMEOUT_MS');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The standard OpenTelemetry variables: OTEL_TRACES_EXPORTER (otlp or none), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (the full traces URL) or OTEL_EXPORTER_OTLP_ENDPOINT (the base, /v1/traces appended), OTEL_SERVICE_NAME.
 */
function readTracing(read: EnvReader): TracingConfig {
  const tracesUrl = read.optionalUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = read.optionalUrl('OTEL_EXPORTER_OTLP_ENDPOINT');
  const configured = tracesUrl !== undefined || base !== undefined;
  const exporter = read.oneOf('OTEL_TRACES_EXPORTER', configured ? 'otlp' : 'none', [
    'none',
    'otlp',
  ] as const);
  return {
    exporter,
    url: tracesUrl ?? `${(base ?? 'http://127.0.0.1:4318').replace(/\/+$/, '')}/v1/traces`,
    serviceName: read.string('OTEL_SERVICE_NAME', 'shipment-cancellation'),
  };
}
