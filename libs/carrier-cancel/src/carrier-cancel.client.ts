import { OutcomeFactory } from './cancel-outcome.mapper';
import type { CarrierAdapter } from './carrier.adapter';
import type { CarrierClientConfig, CarrierLogger, ResolvedConfig } from './carrier-client.config';
import { DEFAULT_OPERATION_RATE_LIMITS, resolveConfig } from './carrier-client.config';
import type { HttpTransport } from './http/http.transport';
import { UndiciHttpTransport } from './http/http.transport';
import { SecretRedactor } from './http/secret.redactor';
import { LwaTokenProvider } from './lwa/lwa-token.provider';
import { lwaTokenSource } from './lwa/lwa-token.source';
import { MfnV0Adapter } from './mfn-v0/mfn-v0.adapter';
import { RestrictedDataTokenProvider } from './mfn-v0/restricted-data-token.provider';
import { MwsBridgeAdapter } from './mws/mws-bridge.adapter';
import type {
  CancelOutcome,
  CancelRequest,
  CarrierApi,
  CarrierCancelPort,
  LwaCredentials,
  ShipmentStatusResult,
} from './port';
import { RateLimiter } from './rate-limit/rate-limiter';
import {
  CANCEL_OPERATION,
  SwitchableBudget,
  cancelQuota,
  type RateBudgetFactory,
  type RateBudgetSettings,
} from './rate-limit/rate-budget';
import { AmazonCallRunner } from './retry/amazon-call.runner';
import { ShippingV2Adapter } from './shipping-v2/shipping-v2.adapter';

/** Thrown only for programming errors; carrier behaviour always comes back as a CancelOutcome. */
export class CarrierCancelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CarrierCancelError';
  }
}

/** Cancels Amazon shipments through Shipping v2, the MWS bridge or Merchant Fulfillment v0. */
export class CarrierCancelClient implements CarrierCancelPort {
  /** Shared with tests and metrics: token endpoint calls, cached tokens. */
  readonly lwa: LwaTokenProvider;
  private readonly config: ResolvedConfig;
  private readonly transport: HttpTransport;
  private readonly redactor = new SecretRedactor();
  private readonly logger: CarrierLogger;
  /** Credential sets whose secrets the redactor already knows. */
  private readonly registered = new WeakSet<object>();
  private readonly limiter: SwitchableBudget;
  private readonly budgetSettings: RateBudgetSettings;
  private readonly adapters: Record<CarrierApi, CarrierAdapter>;

  constructor(config: CarrierClientConfig, deps: { transport?: HttpTransport } = {}) {
    this.config = resolveConfig(config);
    const { clock, retry, random } = this.config;
    this.logger = redactingLogger(this.config.logger, this.redactor);
    this.transport =
      deps.transport ??
      new UndiciHttpTransport({ connectionsPerOrigin: this.config.maxConnectionsPerOrigin });
    const limitFor = (api: string, operation: string) =>
      operation === CANCEL_OPERATION
        ? this.config.cancelRateLimits[api as CarrierApi]
        : (DEFAULT_OPERATION_RATE_LIMITS[`${api}:${operation}`] ??
          this.config.cancelRateLimits[api as CarrierApi]);
    this.budgetSettings = { limitFor, marginMs: this.config.rateLimitMarginMs, clock };
    this.limiter = new SwitchableBudget(
      config.rateBudget?.(this.budgetSettings) ??
        new RateLimiter(clock, limitFor, this.config.rateLimitMarginMs),
    );
    this.lwa = new LwaTokenProvider({
      tokenUrl: this.config.lwaTokenUrl,
      transport: this.transport,
      clock,
      redactor: this.redactor,
      timeoutMs: retry.attemptTimeoutMs,
      logger: this.logger,
    });
    const runner = new AmazonCallRunner({
      transport: this.transport,
      limiter: this.limiter,
      clock,
      retry,
      random,
      logger: this.logger,
      onResponse: this.config.onResponse,
    });
    const rdt = new RestrictedDataTokenProvider(runner, clock, this.redactor);
    this.adapters = {
      'amazon-shipping-v2': new ShippingV2Adapter(runner, this.config.shippingV2),
      'amazon-mfn-mws': new MwsBridgeAdapter(runner, this.config.mwsBridge, this.config.mwsFormat),
      'amazon-mfn-v0': new MfnV0Adapter(runner, rdt, this.config.mfnV0),
    };
  }

  async cancel(request: CancelRequest): Promise<CancelOutcome> {
    const startedAt = this.config.clock.now();
    const outcomes = new OutcomeFactory(request, startedAt, this.config.clock, this.redactor);
    const adapter = this.adapters[request.api];
    const log = {
      ...request.logContext,
      api: request.api,
      sellerAccount: request.sellerAccount,
      carrierShipmentId: request.carrierShipmentId,
    };
    if (!adapter)
      return outcomes.precheckRejection('invalid_request', `unknown carrier api ${String(request.api)}`);
    const problem = adapter.precheck(request);
    if (problem) {
      this.logger.warn('cancel refused before calling Amazon', {
        ...log,
        reason: problem.reason,
        message: problem.message,
      });
      return outcomes.precheckRejection(problem.reason, problem.message);
    }
    const credentials = await this.credentialsFor(request.sellerAccount);
    if (!credentials.ok) {
      this.logger.error('no usable credentials for seller account', { ...log, message: credentials.message });
      return outcomes.make({
        kind: 'needs_attention',
        problem: 'missing_credentials',
        errorMessage: credentials.message,
      });
    }
    let outcome: CancelOutcome;
    try {
      outcome = await adapter.cancel({
        request,
        credentials: credentials.value,
        lwa: lwaTokenSource(this.lwa, credentials.value),
        deadlineAt: startedAt + (request.deadlineMs ?? this.config.retry.deadlineMs),
        outcomes,
      });
    } catch (error) {
      throw new CarrierCancelError(this.redactor.redact(`cancel failed unexpectedly: ${messageOf(error)}`));
    }
    const level = outcome.kind === 'needs_attention' || outcome.kind === 'unknown' ? 'warn' : 'info';
    this.logger[level]('shipment cancel finished', {
      ...log,
      kind: outcome.kind,
      requestId: outcome.requestId,
      httpStatus: outcome.httpStatus,
      errorCode: outcome.errorCode,
      attempts: outcome.attempts,
      elapsedMs: outcome.elapsedMs,
    });
    return outcome;
  }

  async status(request: CancelRequest): Promise<ShipmentStatusResult> {
    const adapter = this.adapters[request.api];
    if (!adapter || !adapter.supportsStatus(request)) return { kind: 'unsupported' };
    const credentials = await this.credentialsFor(request.sellerAccount);
    if (!credentials.ok) return { kind: 'error', message: credentials.message };
    const startedAt = this.config.clock.now();
    try {
      const result = await adapter.status({
        request,
        credentials: credentials.value,
        lwa: lwaTokenSource(this.lwa, credentials.value),
        deadlineAt: startedAt + (request.deadlineMs ?? this.config.retry.deadlineMs),
        outcomes: new OutcomeFactory(request, startedAt, this.config.clock, this.redactor),
      });
      return result.kind === 'error' ? { ...result, message: this.redactor.redact(result.message) } : result;
    } catch (error) {
      throw new CarrierCancelError(this.redactor.redact(`status failed unexpectedly: ${messageOf(error)}`));
    }
  }

  nextTokenInMs(request: Pick<CancelRequest, 'api' | 'sellerAccount'>): number {
    if (!this.adapters[request.api]) return 0;
    return Math.ceil(this.limiter.nextTokenInMs(cancelQuota(request.api, request.sellerAccount)));
  }

  /**
   * Takes every token from the budget `factory` builds (e.g. one shared by all service instances) instead of
   * this process's own buckets; call it before the first carrier call.
   */
  useRateBudget(factory: RateBudgetFactory): void {
    this.limiter.use(factory(this.budgetSettings));
  }

  /** Closes the keep-alive connections. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  private async credentialsFor(
    sellerAccount: string,
  ): Promise<{ ok: true; value: LwaCredentials } | { ok: false; message: string }> {
    try {
      const value = await this.config.credentials(sellerAccount);
      if (value && value.clientId && value.clientSecret && value.refreshToken) {
        if (!this.registered.has(value)) {
          this.redactor.register(value.clientSecret, value.refreshToken);
          this.registered.add(value);
        }
        return { ok: true, value };
      }
      return { ok: false, message: `no LWA credentials for seller account ${sellerAccount}` };
    } catch (error) {
      return { ok: false, message: this.redactor.redact(`credentials lookup failed: ${messageOf(error)}`) };
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Every log line passes through the redactor; a throwing logger never breaks a cancel.
function redactingLogger(logger: CarrierLogger, redactor: SecretRedactor): CarrierLogger {
  const wrap =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, ctx?: Record<string, unknown>): void => {
      try {
        if (logger.enabled?.(level) === false) return;
        const safe = ctx === undefined ? undefined : (redactor.redactValue(ctx) as Record<string, unknown>);
        logger[level](redactor.redact(msg), safe);
      } catch {
        // logging must not change the outcome of a carrier call
      }
    };
  return {
    debug: wrap('debug'),
    info: wrap('info'),
    warn: wrap('warn'),
    error: wrap('error'),
    enabled: (level) => logger.enabled?.(level) !== false,
  };
}
