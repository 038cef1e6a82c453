import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('runs against the local stack and the carrier sandbox with no variables set', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/oms_cancellation');
    expect(config.carrier.mwsBridge).toBe('http://127.0.0.1:4010');
    expect(config.carrier.lwaTokenUrl).toBe('http://127.0.0.1:4010/auth/o2/token');
    expect(config.topics.orderCancelled).toBe('oms.order.cancelled.v1');
    expect(config.carrier.rateLimits['amazon-mfn-mws']).toEqual({ ratePerSecond: 5, burst: 10 });
  });

  it('reports every bad variable at once, one line each', () => {
    const attempt = () =>
      loadConfig({
        HTTP_PORT: 'eighty',
        KAFKA_BROKERS: 'nohost',
        LOG_LEVEL: 'loud',
        CARRIER_RATE_SHIPPING_V2: 'fast',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "HTTP_PORT: must be a whole number from 0 to 65535, got 'eighty'",
        'KAFKA_BROKERS: must be a comma-separated list of host:port',
        "CARRIER_RATE_SHIPPING_V2: must look like '80/s,burst 100', got 'fast'",
        "LOG_LEVEL: must be one of debug, info, warn, error, got 'loud'",
      ]);
    }
  });

  it('gathers a trickle of input for up to 20 ms per fetch, unless told otherwise', () => {
    expect(loadConfig({}).kafka).toMatchObject({ fetchMinBytes: 16_384, fetchMaxWaitMs: 20 });
    expect(loadConfig({ KAFKA_FETCH_MIN_BYTES: '1', KAFKA_FETCH_MAX_WAIT_MS: '500' }).kafka).toMatchObject({
      fetchMinBytes: 1,
      fetchMaxWaitMs: 500,
    });
    expect(() => loadConfig({ KAFKA_FETCH_MAX_WAIT_MS: '0' })).toThrow(
      "KAFKA_FETCH_MAX_WAIT_MS: must be a whole number from 1 to 5000, got '0'",
    );
  });

  it('sets the calls worked on and the connections to the carrier apart, as many of each unless told otherwise', () => {
    const defaults = loadConfig({});
    expect(defaults.worker.concurrency).toBe(128);
    expect(defaults.carrier.maxConnections).toBe(128);
    const set = loadConfig({ WORKER_CONCURRENCY: '64', CARRIER_MAX_CONNECTIONS: '16' });
    expect([set.worker.concurrency, set.carrier.maxConnections]).toEqual([64, 16]);
    expect(() => loadConfig({ CARRIER_MAX_CONNECTIONS: '0' })).toThrow(
      "CARRIER_MAX_CONNECTIONS: must be a whole number from 1 to 1024, got '0'",
    );
  });

  it('keeps bookkeeping rows for a while and deletes older ones hourly, unless told otherwise', () => {
    expect(loadConfig({}).retention).toEqual({
      intervalMs: 3_600_000,
      inboxDays: 14,
      outboxDays: 7,
      idempotencyHours: 24,
    });
    expect(
      loadConfig({ DB_RETENTION_INTERVAL_MS: '0', OUTBOX_RETENTION_DAYS: '30' }).retention,
    ).toMatchObject({
      intervalMs: 0,
      outboxDays: 30,
    });
    expect(() => loadConfig({ INBOX_RETENTION_DAYS: '0' })).toThrow(
      "INBOX_RETENTION_DAYS: must be a whole number from 1 to 3650, got '0'",
    );
  });

  it('parses rate limits and production endpoints', () => {
    const config = loadConfig({
      CARRIER_RATE_SHIPPING_V2: '5/s,burst 5',
      CARRIER_SHIPPING_V2_ENDPOINT: 'production',
    });
    expect(config.carrier.rateLimits['amazon-shipping-v2']).toEqual({ ratePerSecond: 5, burst: 5 });
    expect(config.carrier.shippingV2).toBe('production');
  });

  it('never echoes a secret from a bad credentials or database variable', () => {
    const secret = 'Atzr|super-secret-refresh-token';
    try {
      loadConfig({
        CARRIER_CREDENTIALS: `{"seller-1": {"clientId": "x", "refreshToken": "${secret}"}} oops`,
        DATABASE_URL: `::${secret}`,
      });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('reads per-account credentials and says which field is missing', () => {
    const ok = loadConfig({
      CARRIER_CREDENTIALS: '{"seller-1": {"clientId": "a", "clientSecret": "b", "refreshToken": "c"}}',
    });
    expect(ok.carrier.credentials['seller-1']).toEqual({
      clientId: 'a',
      clientSecret: 'b',
      refreshToken: 'c',
    });
    expect(() => loadConfig({ CARRIER_CREDENTIALS: '{"seller-1": {"clientId": "a"}}' })).toThrow(
      "CARRIER_CREDENTIALS: account 'seller-1' is missing clientSecret, refreshToken",
    );
  });
  it('exports no spans unless an OTLP endpoint or exporter is set', () => {
    expect(loadConfig({}).tracing).toEqual({
      exporter: 'none',
      url: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'shipment-cancellation',
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toMatchObject({
      exporter: 'otlp',
      url: 'http://collector:4318/v1/traces',
    });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' }).tracing,
    ).toMatchObject({ exporter: 'otlp', url: 'http://collector:4318/custom' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing.exporter).toBe('otlp');
    expect(
      loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })
        .tracing.exporter,
    ).toBe('none');
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(ConfigError);
  });
});
