import type { CarrierApi, LwaCredentials } from './port';
import type { Clock } from './retry/clock';
import type { RateBudgetFactory } from './rate-limit/rate-budget';
import { systemClock } from './retry/clock';

/** Where a carrier API lives: Amazon's production or sandbox hosts, or one custom base URL for every region. */
export type EndpointChoice = 'production' | 'sandbox' | string;

export interface RateLimitSetting {
  ratePerSecond: number;
  burst: number;
}

export interface RetrySettings {
  /** HTTP attempts per operation (the expired-token retry comes on top). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per HTTP attempt; capped by what is left of the deadline. */
  attemptTimeoutMs: number;
  /** Default overall budget of one cancel/status call. */
  deadlineMs: number;
}

export interface CarrierLogger {
  debug(msg: string, ctx?: Record<string, unknown>): void;
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
  /** Whether a level is written at all; when it says no, the library skips building and redacting the line. */
  enabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}

/** One HTTP answer from Amazon, for metrics: no body, no headers, nothing secret. */
export interface CarrierResponseInfo {
  api: CarrierApi;
  operation: string;
  /** The seller account whose quota the request used. */
  sellerAccount: string;
  httpStatus: number;
  durationMs: number;
}

export interface CarrierClientConfig {
  endpoints: {
    /** e.g. https://api.amazon.com/auth/o2/token */
    lwaTokenUrl: string;
    /** Default 'production'. */
    shippingV2?: EndpointChoice;
    /** Default 'production'. */
    mfnV0?: EndpointChoice;
    /** Base URL of the MWS REST bridge. */
    mwsBridge: string;
  };
  credentials: (sellerAccount: string) => LwaCredentials | undefined | Promise<LwaCredentials | undefined>;
  mwsFormat?: 'json' | 'xml';
  /** Limits of the cancel operation per API; Amazon's lower x-amzn-RateLimit-Limit wins at run time. */
  rateLimits?: Partial<Record<CarrierApi, RateLimitSetting>>;
  /**
   * Latency jitter the rate limiter absorbs (default 50 ms): Amazon meters arrivals, so the client keeps
   * that much behind its own schedule (off the burst, or off the spacing when the burst is 1).
   */
  rateLimitMarginMs?: number;
  /** Where tokens come from: this process's own buckets unless a shared budget is given. */
  rateBudget?: RateBudgetFactory;
  retry?: Partial<RetrySettings>;
  logger?: CarrierLogger;
  /** Injectable for jitter in tests. */
  random?: () => number;
  /** Injectable time source and sleep; defaults to performance.now() and timers. */
  clock?: Clock;
  /** Keep-alive connections per origin. */
  maxConnectionsPerOrigin?: number;
  /** Called for every HTTP answer of a carrier operation (429s included), e.g. to count throttling. */
  onResponse?: (info: CarrierResponseInfo) => void;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  attemptTimeoutMs: 10_000,
  deadlineMs: 30_000,
};

// Cancel-operation defaults: v2 from the model's usage plan (the Shipping docs page says 5/s: configure it),
// MWS from seed 001 (quota 10, restore 5/s), MFN v0 from the model (1/s, burst 1).
export const DEFAULT_CANCEL_RATE_LIMITS: Record<CarrierApi, RateLimitSetting> = {
  'amazon-shipping-v2': { ratePerSecond: 80, burst: 100 },
  'amazon-mfn-mws': { ratePerSecond: 5, burst: 10 },
  'amazon-mfn-v0': { ratePerSecond: 1, burst: 1 },
};

// The other operations the adapters call, from the models (Tokens API: 1/s, burst 10).
export const DEFAULT_OPERATION_RATE_LIMITS: Record<string, RateLimitSetting> = {
  'amazon-shipping-v2:getTracking': { ratePerSecond: 80, burst: 100 },
  'amazon-mfn-v0:getShipment': { ratePerSecond: 1, burst: 1 },
  'amazon-mfn-v0:createRestrictedDataToken': { ratePerSecond: 1, burst: 10 },
};

const silentLogger: CarrierLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface ResolvedConfig {
  lwaTokenUrl: string;
  shippingV2: EndpointChoice;
  mfnV0: EndpointChoice;
  mwsBridge: string;
  credentials: CarrierClientConfig['credentials'];
  mwsFormat: 'json' | 'xml';
  cancelRateLimits: Record<CarrierApi, RateLimitSetting>;
  rateLimitMarginMs: number;
  retry: RetrySettings;
  logger: CarrierLogger;
  random: () => number;
  clock: Clock;
  maxConnectionsPerOrigin: number;
  onResponse: (info: CarrierResponseInfo) => void;
}

/** Fills defaults and rejects settings that would make the client misbehave silently. */
export function resolveConfig(config: CarrierClientConfig): ResolvedConfig {
  const retry: RetrySettings = { ...DEFAULT_RETRY, ...definedOnly(config.retry ?? {}) };
  if (retry.maxAttempts < 1) throw new Error('retry.maxAttempts must be at least 1');
  const cancelRateLimits = { ...DEFAULT_CANCEL_RATE_LIMITS, ...definedOnly(config.rateLimits ?? {}) };
  for (const [api, limit] of Object.entries(cancelRateLimits)) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new Error(`rateLimits.${api} needs ratePerSecond > 0 and burst >= 1`);
    }
  }
  if (!config.endpoints?.lwaTokenUrl) throw new Error('endpoints.lwaTokenUrl is required');
  if (config.rateLimitMarginMs !== undefined && !(config.rateLimitMarginMs >= 0)) {
    throw new Error('rateLimitMarginMs must be >= 0');
  }
  return {
    lwaTokenUrl: config.endpoints.lwaTokenUrl,
    shippingV2: config.endpoints.shippingV2 ?? 'production',
    mfnV0: config.endpoints.mfnV0 ?? 'production',
    mwsBridge: config.endpoints.mwsBridge,
    credentials: config.credentials,
    mwsFormat: config.mwsFormat ?? 'json',
    cancelRateLimits,
    rateLimitMarginMs: config.rateLimitMarginMs ?? 50,
    retry,
    logger: config.logger ?? silentLogger,
    random: config.random ?? Math.random,
    clock: config.clock ?? systemClock,
    maxConnectionsPerOrigin: config.maxConnectionsPerOrigin ?? 32,
    onResponse: config.onResponse ?? (() => undefined),
  };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
