import type { CarrierLogger, CarrierResponseInfo, RetrySettings } from '../carrier-client.config';
import type { AmazonError, Parsed } from '../http/amazon-response.parser';
import {
  extractError,
  parseBody,
  requestIdOf,
  saysThrottled,
  saysTokenExpired,
  saysUnauthorized,
} from '../http/amazon-response.parser';
import type { HttpMethod, HttpResponse, HttpTransport } from '../http/http.transport';
import type { AttentionProblem, CarrierApi, RejectReason, RetryLaterCause } from '../port';
import type { BucketKey, RateBudget } from '../rate-limit/rate-budget';
import { quotaReportOf } from '../mws/mws-quota';
import { backoffDelayMs } from './backoff.policy';
import type { Clock } from './clock';

/** Why a call ended without a response the adapter should interpret. */
export type CallFailure =
  | { kind: 'retry_later'; cause: RetryLaterCause; retryAfterMs: number }
  | { kind: 'unknown'; cause: 'timeout' | 'connection_lost' | 'server_error' }
  | { kind: 'needs_attention'; problem: AttentionProblem; message?: string; code?: string }
  | { kind: 'rejected'; reason: RejectReason; message?: string; code?: string };

export type TokenGrant =
  // cached: served from a cache, so Amazon may have stopped honouring it since it was issued
  | { ok: true; token: string; cached?: boolean }
  | { ok: false; failure: CallFailure }
  // e.g. the token endpoint is down: retried like a connection that was refused
  | { ok: false; transient: string };

/** Supplies the value of x-amz-access-token (an LWA token or a Restricted Data Token). */
export interface TokenSource {
  get(deadlineAt: number, signal?: AbortSignal): Promise<TokenGrant>;
  /** Amazon refused this token (403): the next get() must not return it. */
  invalidate(token: string): void;
}

export interface CallSpec {
  api: CarrierApi;
  operation: string;
  sellerAccount: string;
  /** Safe to repeat when an attempt's effect is unknown (reads, token requests); cancels are not. */
  idempotent: boolean;
  token: TokenSource;
  build(token: string): { method: HttpMethod; url: string; headers: Record<string, string>; body?: string };
  deadlineAt: number;
  signal?: AbortSignal;
  /** See `CancelRequest.awaitingCarrier`. */
  awaiting?: (waiting: boolean) => void;
  /** Extra log context (never secrets). */
  context?: Record<string, unknown>;
}

export interface CallTrace {
  /** HTTP attempts made to the operation. */
  attempts: number;
  /** An attempt may have changed something at Amazon without us learning the result. */
  maybeActed: boolean;
  httpStatus?: number;
  requestId?: string;
  error?: AmazonError;
}

export type CallResult =
  | { kind: 'response'; response: HttpResponse; parsed: Parsed; trace: CallTrace }
  | { kind: 'failure'; failure: CallFailure; trace: CallTrace };

export interface RunnerDeps {
  transport: HttpTransport;
  limiter: RateBudget;
  clock: Clock;
  retry: RetrySettings;
  random: () => number;
  logger: CarrierLogger;
  onResponse?: (info: CarrierResponseInfo) => void;
}

/** What one pass of the loop decided. */
type Step =
  | { next: 'done'; result: CallResult }
  | { next: 'retry'; cause: 'throttled' | 'unavailable' }
  // the rate-limit token lapsed before the request was written: take another at once (nothing was sent)
  | { next: 'again' }
  // problem: what to report when the one refresh a call gets is already spent
  | { next: 'refresh'; token: string; problem: AttentionProblem };

/**
 * One Amazon operation with everything around it: token, rate-limit token, per-attempt timeout,
 * retries of 429/500/503/connection errors with capped full-jitter backoff, the refused-token retry, and
 * the overall deadline. Statuses it does not own (2xx, 400, 404, 413, 415, other 4xx) go back to the adapter.
 */
export class AmazonCallRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run(spec: CallSpec): Promise<CallResult> {
    const { clock, retry, limiter, logger } = this.deps;
    const trace: CallTrace = { attempts: 0, maybeActed: false };
    const log = {
      api: spec.api,
      operation: spec.operation,
      sellerAccount: spec.sellerAccount,
      ...spec.context,
    };
    let tries = 0;
    let tokenRefreshed = false;
    let lastCause: RetryLaterCause = 'deadline';

    const giveUp = (cause: RetryLaterCause, retryAfterMs: number): CallResult => {
      if (trace.maybeActed)
        return { kind: 'failure', failure: { kind: 'unknown', cause: 'server_error' }, trace };
      const after = Math.max(Math.ceil(retryAfterMs), Math.ceil(limiter.nextTokenInMs(keyOf(spec))));
      logger.warn('carrier call gave up', { ...log, cause, attempts: trace.attempts, retryAfterMs: after });
      return { kind: 'failure', failure: { kind: 'retry_later', cause, retryAfterMs: after }, trace };
    };

    for (;;) {
      if (spec.signal?.aborted || clock.now() >= spec.deadlineAt) return giveUp(lastCause, 0);
      const step = await this.step(spec, trace, log, giveUp);
      if (step.next === 'done') return step.result;
      if (step.next === 'again') continue;
      if (step.next === 'refresh') {
        if (tokenRefreshed) {
          return { kind: 'failure', failure: { kind: 'needs_attention', problem: step.problem }, trace };
        }
        // A 403 on the token: drop it, refresh and retry once, at once; never loop.
        tokenRefreshed = true;
        spec.token.invalidate(step.token);
        logger.info('access token refused, refreshing it once', {
          ...log,
          requestId: trace.requestId,
          errorCode: trace.error?.code,
        });
        continue;
      }
      lastCause = step.cause;
      tries += 1;
      const delay = backoffDelayMs(tries, retry, this.deps.random);
      if (tries >= retry.maxAttempts || clock.now() + delay >= spec.deadlineAt)
        return giveUp(lastCause, delay);
      logger.debug('retrying carrier call', {
        ...log,
        attempt: trace.attempts,
        cause: step.cause,
        delayMs: delay,
      });
      if (!(await clock.sleep(delay, spec.signal))) return giveUp('deadline', 0);
    }
  }

  /** Token, rate-limit token, one HTTP attempt, and what its result means. */
  private async step(
    spec: CallSpec,
    trace: CallTrace,
    log: Record<string, unknown>,
    giveUp: (cause: RetryLaterCause, retryAfterMs: number) => CallResult,
  ): Promise<Step> {
    const { clock, retry, limiter, logger } = this.deps;
    const done = (failure: CallFailure): Step => ({
      next: 'done',
      result: { kind: 'failure', failure, trace },
    });
    // Both tokens at once: a seller's first call would otherwise wait for Login with Amazon and then for the
    // budget's first statement. If the access token fails, the rate-limit token goes unused (never over the quota).
    const acquiring = limiter.acquire(keyOf(spec), spec.deadlineAt - clock.now(), spec.signal);
    const grant = await spec.token.get(spec.deadlineAt, spec.signal);
    if (!grant.ok && 'failure' in grant) {
      return done(trace.maybeActed ? { kind: 'unknown', cause: 'server_error' } : grant.failure);
    }
    if (!grant.ok) {
      logger.warn('access token unavailable', { ...log, reason: grant.transient });
      return { next: 'retry', cause: 'unavailable' };
    }
    const acquired = await acquiring;
    if (acquired.kind === 'too_late') return { next: 'done', result: giveUp('throttled', acquired.waitMs) };
    if (acquired.kind === 'aborted') return { next: 'done', result: giveUp('deadline', 0) };
    const remaining = spec.deadlineAt - clock.now();
    if (remaining <= 0) return { next: 'done', result: giveUp('deadline', 0) };

    trace.attempts += 1;
    const started = clock.now();
    const awaiting = spec.awaiting;
    let written = false;
    const result = await this.deps.transport.send({
      ...spec.build(grant.token),
      timeoutMs: Math.max(1, Math.min(retry.attemptTimeoutMs, remaining)),
      mayWrite: acquired.mayWrite,
      canWrite: acquired.canWrite,
      signal: spec.signal,
      ...(awaiting
        ? {
            onWritten: () => {
              written = true;
              awaiting(true);
            },
          }
        : {}),
    });
    if (written) awaiting?.(false);
    if (result.kind === 'failure' && result.reason === 'late') {
      trace.attempts -= 1;
      logger.debug('rate-limit token lapsed before the request was written', {
        ...log,
        message: result.message,
      });
      return { next: 'again' };
    }
    if (result.kind === 'failure') {
      logger.warn('carrier attempt failed', {
        ...log,
        attempt: trace.attempts,
        sent: result.sent,
        reason: result.reason,
        message: result.message,
      });
      if (!result.sent) {
        return result.reason === 'aborted'
          ? { next: 'done', result: giveUp('deadline', 0) }
          : { next: 'retry', cause: 'unavailable' };
      }
      if (spec.idempotent) return { next: 'retry', cause: 'unavailable' };
      // It may have reached Amazon: report it, never guess (the caller reconciles).
      return done({ kind: 'unknown', cause: result.reason === 'connection' ? 'connection_lost' : 'timeout' });
    }

    const { response } = result;
    const parsed = parseBody(response.body);
    trace.httpStatus = response.status;
    trace.requestId = requestIdOf(response, parsed) ?? trace.requestId;
    trace.error = extractError(parsed);
    this.observeRateLimit(keyOf(spec), response, parsed);
    this.deps.onResponse?.({
      api: spec.api,
      operation: spec.operation,
      sellerAccount: spec.sellerAccount,
      httpStatus: response.status,
      durationMs: Math.round(clock.now() - started),
    });
    logger.debug('carrier response', {
      ...log,
      attempt: trace.attempts,
      httpStatus: response.status,
      requestId: trace.requestId,
      errorCode: trace.error?.code,
      durationMs: Math.round(clock.now() - started),
    });
    const status = response.status;
    if (status === 429 || saysThrottled(trace.error)) {
      // Amazon's bucket is empty whatever ours thinks: everyone on this key waits a token's time.
      limiter.throttled(keyOf(spec));
      return { next: 'retry', cause: 'throttled' };
    }
    if (status === 401) return done({ kind: 'needs_attention', problem: 'unauthorized' });
    if (status === 403) {
      const expired = saysTokenExpired(trace.error);
      // Amazon has answered a stale cached token with 403 Unauthorized and empty details, so a cached token
      // gets one refresh whatever the details say; a fresh one only when Amazon says it expired.
      if (expired || (grant.cached === true && saysUnauthorized(trace.error))) {
        return { next: 'refresh', token: grant.token, problem: expired ? 'unauthorized' : 'access_denied' };
      }
      return done({ kind: 'needs_attention', problem: 'access_denied' });
    }
    if (status === 503) return { next: 'retry', cause: 'unavailable' };
    if (status >= 500) {
      // A 500 may come after Amazon acted: the cancel is retried, but a later refusal proves nothing.
      if (!spec.idempotent) trace.maybeActed = true;
      return { next: 'retry', cause: 'unavailable' };
    }
    return { next: 'done', result: { kind: 'response', response, parsed, trace } };
  }

  /** What Amazon said about the quota flows back into the budget: Shipping v2's header, MWS's metadata. */
  private observeRateLimit(key: BucketKey, response: HttpResponse, parsed: Parsed): void {
    const quota = key.api === 'amazon-mfn-mws' ? quotaReportOf(parsed, response.headers) : undefined;
    if (quota) this.deps.limiter.observeQuota(key, quota);
    const header = response.headers['x-amzn-ratelimit-limit'];
    if (header === undefined) return;
    const reported = Number.parseFloat(header);
    if (!Number.isFinite(reported) || reported <= 0) return;
    const effective = this.deps.limiter.observeLimit(key, reported);
    if (effective !== undefined)
      this.deps.logger.info('rate limit reported by Amazon', {
        ...key,
        reportedRatePerSecond: reported,
        effectiveRatePerSecond: effective,
      });
  }
}

function keyOf(spec: CallSpec): BucketKey {
  return { api: spec.api, operation: spec.operation, sellerAccount: spec.sellerAccount };
}
