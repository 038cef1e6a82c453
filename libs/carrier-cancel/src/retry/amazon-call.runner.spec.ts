import { DEFAULT_RETRY } from '../carrier-client.config';
import type { HttpRequest, HttpResult } from '../http/http.transport';
import { RateLimiter } from '../rate-limit/rate-limiter';
import {
  refused,
  reply,
  reset,
  type ScriptStep,
  ScriptedTransport,
  timedOut,
} from '../../test/support/scripted.transport';
import type { CallSpec, TokenGrant, TokenSource } from './amazon-call.runner';
import { AmazonCallRunner } from './amazon-call.runner';
import { backoffDelayMs } from './backoff.policy';
import { VirtualClock } from './clock';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const retry = {
  ...DEFAULT_RETRY,
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  attemptTimeoutMs: 5_000,
};

function tokens(...grants: TokenGrant[]): TokenSource & { invalidated: string[]; gets: number } {
  const source = {
    invalidated: [] as string[],
    gets: 0,
    async get(): Promise<TokenGrant> {
      source.gets += 1;
      return (grants.length > 1 ? grants.shift() : grants[0]) ?? { ok: true, token: 'Atza|t' };
    },
    invalidate(token: string) {
      source.invalidated.push(token);
    },
  };
  return source;
}

function setup(
  steps: ScriptStep[],
  options: { idempotent?: boolean; deadlineMs?: number; token?: TokenSource; rate?: number } = {},
) {
  const clock = new VirtualClock();
  const transport = new ScriptedTransport(...steps);
  const limiter = new RateLimiter(clock, () => ({ ratePerSecond: options.rate ?? 1_000, burst: 1_000 }));
  const runner = new AmazonCallRunner({
    transport,
    limiter,
    clock,
    retry,
    random: () => 0.5,
    logger: silent,
  });
  const token = options.token ?? tokens({ ok: true, token: 'Atza|t' });
  const spec: CallSpec = {
    api: 'amazon-shipping-v2',
    operation: 'cancel',
    sellerAccount: 's',
    idempotent: options.idempotent ?? false,
    token,
    deadlineAt: options.deadlineMs ?? 30_000,
    build: (t) => ({ method: 'PUT', url: 'http://x/cancel', headers: { 'x-amz-access-token': t } }),
  };
  return { clock, transport, limiter, runner, spec, token };
}

describe('AmazonCallRunner', () => {
  it.each([429, 500, 503])('retries %i with capped full-jitter backoff, then succeeds', async (status) => {
    const { runner, spec, transport, clock } = setup([
      reply(status),
      reply(status),
      reply(200, { payload: {} }),
    ]);
    const result = await runner.run(spec);
    expect(result.kind).toBe('response');
    expect(transport.requests).toHaveLength(3);
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([
      backoffDelayMs(1, retry, () => 0.5),
      backoffDelayMs(2, retry, () => 0.5),
    ]);
    expect(result.trace.attempts).toBe(3);
  });

  it.each([400, 404, 413, 415])('never retries %i', async (status) => {
    const { runner, spec, transport } = setup([
      reply(status, { errors: [{ code: 'InvalidInput', message: 'x' }] }),
    ]);
    const result = await runner.run(spec);
    expect(result.kind).toBe('response');
    expect(transport.requests).toHaveLength(1);
  });

  it('gives up after maxAttempts: 429 → retry_later throttled, 503 → retry_later unavailable', async () => {
    const throttled = setup([reply(429)]);
    const a = await throttled.runner.run(throttled.spec);
    expect(a).toMatchObject({ kind: 'failure', failure: { kind: 'retry_later', cause: 'throttled' } });
    expect(throttled.transport.requests).toHaveLength(retry.maxAttempts);
    const unavailable = setup([reply(503)]);
    const b = await unavailable.runner.run(unavailable.spec);
    expect(b).toMatchObject({ kind: 'failure', failure: { kind: 'retry_later', cause: 'unavailable' } });
  });

  it('a cancel that got a 500 ends unknown: Amazon may have acted', async () => {
    const { runner, spec } = setup([reply(500)]);
    const result = await runner.run(spec);
    expect(result).toMatchObject({ kind: 'failure', failure: { kind: 'unknown', cause: 'server_error' } });
    expect(result.trace.maybeActed).toBe(true);
  });

  it('a 500 followed by a refusal is flagged as maybe-acted; an idempotent read is not', async () => {
    const cancel = setup([reply(500), reply(400, { errors: [{ code: 'InvalidInput', message: 'x' }] })]);
    expect((await cancel.runner.run(cancel.spec)).trace.maybeActed).toBe(true);
    const read = setup([reply(500), reply(400)], { idempotent: true });
    expect((await read.runner.run(read.spec)).trace.maybeActed).toBe(false);
  });

  it('stops before a backoff that would pass the deadline and says when to come back', async () => {
    const { runner, spec, transport } = setup([reply(429)], { deadlineMs: 120 });
    const result = await runner.run(spec);
    // first retry waits 50 (fits), the second 100 would end at 150 > 120
    expect(transport.requests).toHaveLength(2);
    expect(result).toMatchObject({ kind: 'failure', failure: { kind: 'retry_later', cause: 'throttled' } });
    if (result.kind === 'failure' && result.failure.kind === 'retry_later') {
      expect(result.failure.retryAfterMs).toBeGreaterThanOrEqual(100);
    }
  });

  it('gives each attempt the configured timeout, capped by what is left of the deadline', async () => {
    const { runner, spec, transport } = setup([reply(200)], { deadlineMs: 3_000 });
    await runner.run(spec);
    expect(transport.requests[0]?.timeoutMs).toBe(3_000);
    const roomy = setup([reply(200)], { deadlineMs: 60_000 });
    await roomy.runner.run(roomy.spec);
    expect(roomy.transport.requests[0]?.timeoutMs).toBe(retry.attemptTimeoutMs);
  });

  it('retries a connection that was refused (nothing sent)', async () => {
    const { runner, spec, transport } = setup([refused, refused, reply(200)]);
    expect((await runner.run(spec)).kind).toBe('response');
    expect(transport.requests).toHaveLength(3);
    const down = setup([refused]);
    expect(await down.runner.run(down.spec)).toMatchObject({
      failure: { kind: 'retry_later', cause: 'unavailable' },
    });
  });

  it.each([
    ['reset after write', reset, 'connection_lost'],
    ['timeout after sending', timedOut, 'timeout'],
  ] as const)('never repeats a cancel after a %s: unknown', async (_name, failure, cause) => {
    const { runner, spec, transport } = setup([failure, reply(200)]);
    expect(await runner.run(spec)).toMatchObject({ failure: { kind: 'unknown', cause } });
    expect(transport.requests).toHaveLength(1);
  });

  it('a cancel not written within its token window is not an attempt: it takes another token and sends then', async () => {
    const late: HttpResult = { kind: 'failure', sent: false, reason: 'late', message: 'no free connection' };
    const { runner, spec, transport, limiter } = setup([late, reply(200)]);
    const acquire = limiter.acquire.bind(limiter);
    const windows: Array<() => boolean> = [];
    limiter.acquire = async (...args) => {
      const result = await acquire(...args);
      if (result.kind !== 'acquired') return result;
      const mayWrite = (): boolean => true;
      windows.push(mayWrite);
      return { ...result, mayWrite };
    };
    const result = await runner.run(spec);
    expect(result).toMatchObject({ kind: 'response', trace: { attempts: 1, maybeActed: false } });
    // Two tokens taken, each handed to the transport with the request it was taken for.
    expect(windows).toHaveLength(2);
    expect(transport.requests.map((r) => r.mayWrite)).toEqual(windows);
  });

  it('tells the caller while a written request waits on the carrier, and not for one never written', async () => {
    const late: HttpResult = { kind: 'failure', sent: false, reason: 'late', message: 'no free connection' };
    const heard: string[] = [];
    // The first attempt is given up unsent; the second is written, then answered 503; the third, 200.
    const written = (result: HttpResult) => (request: HttpRequest) => {
      request.onWritten?.();
      heard.push(`answered ${result.kind === 'response' ? result.response.status : result.kind}`);
      return result;
    };
    const { runner, spec } = setup([late, written(reply(503)), written(reply(200))]);
    const result = await runner.run({ ...spec, awaiting: (waiting) => heard.push(String(waiting)) });
    expect(result.kind).toBe('response');
    expect(heard).toEqual(['true', 'answered 503', 'false', 'true', 'answered 200', 'false']);
  });

  it('repeats an idempotent read after a reset', async () => {
    const { runner, spec, transport } = setup([reset, reply(200)], { idempotent: true });
    expect((await runner.run(spec)).kind).toBe('response');
    expect(transport.requests).toHaveLength(2);
  });

  it('expired-token 403: invalidates the token and retries once at once', async () => {
    const expired = reply(403, {
      errors: [
        {
          code: 'Unauthorized',
          message: 'Access denied',
          details: 'The access token you provided has expired.',
        },
      ],
    });
    const token = tokens({ ok: true, token: 'Atza|old' }, { ok: true, token: 'Atza|new' });
    const { runner, spec, transport, clock } = setup([expired, reply(200)], { token });
    expect((await runner.run(spec)).kind).toBe('response');
    expect(token.invalidated).toEqual(['Atza|old']);
    expect(transport.requests.map((r) => r.headers['x-amz-access-token'])).toEqual(['Atza|old', 'Atza|new']);
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([]);
  });

  it('a second expired-token 403 is not looped on', async () => {
    const expired = reply(403, {
      errors: [{ code: 'Unauthorized', message: 'The access token you provided has expired.' }],
    });
    const { runner, spec, transport } = setup([expired]);
    expect(await runner.run(spec)).toMatchObject({
      failure: { kind: 'needs_attention', problem: 'unauthorized' },
    });
    expect(transport.requests).toHaveLength(2);
  });

  describe('403 Unauthorized with empty details (as Amazon has sent for a stale token)', () => {
    const refusedToken = reply(403, {
      errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }],
    });

    it('with a cached token: drops it, refreshes once, retries once at once → success', async () => {
      const token = tokens(
        { ok: true, token: 'Atza|cached', cached: true },
        { ok: true, token: 'Atza|fresh', cached: false },
      );
      const { runner, spec, transport, clock } = setup([refusedToken, reply(200, { payload: {} })], {
        token,
      });
      const result = await runner.run(spec);
      expect(result.kind).toBe('response');
      expect(token.invalidated).toEqual(['Atza|cached']);
      expect(token.gets).toBe(2);
      expect(transport.requests.map((r) => r.headers['x-amz-access-token'])).toEqual([
        'Atza|cached',
        'Atza|fresh',
      ]);
      expect(result.trace.attempts).toBe(2);
      expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([]);
    });

    it('again with the fresh token: needs a person (access_denied) after exactly one refresh', async () => {
      const token = tokens(
        { ok: true, token: 'Atza|cached', cached: true },
        { ok: true, token: 'Atza|fresh', cached: false },
      );
      const { runner, spec, transport } = setup([refusedToken], { token });
      expect(await runner.run(spec)).toMatchObject({
        kind: 'failure',
        failure: { kind: 'needs_attention', problem: 'access_denied' },
        trace: { attempts: 2, httpStatus: 403 },
      });
      expect(token.invalidated).toEqual(['Atza|cached']);
      expect(token.gets).toBe(2);
      expect(transport.requests).toHaveLength(2);
    });

    it('again even when the retry is served another cached token: still one refresh only', async () => {
      // Another call refreshed meanwhile, so the retry gets a cached token too: no second refresh.
      const token = tokens({ ok: true, token: 'Atza|cached', cached: true });
      const { runner, spec, transport } = setup([refusedToken], { token });
      expect(await runner.run(spec)).toMatchObject({
        failure: { kind: 'needs_attention', problem: 'access_denied' },
      });
      expect(token.invalidated).toHaveLength(1);
      expect(transport.requests).toHaveLength(2);
    });

    it('with a token fetched for this call: needs a person at once, no refresh loop', async () => {
      const token = tokens({ ok: true, token: 'Atza|fresh', cached: false });
      const { runner, spec, transport } = setup([refusedToken, reply(200)], { token });
      expect(await runner.run(spec)).toMatchObject({
        failure: { kind: 'needs_attention', problem: 'access_denied' },
        trace: { attempts: 1 },
      });
      expect(token.invalidated).toEqual([]);
      expect(token.gets).toBe(1);
      expect(transport.requests).toHaveLength(1);
    });

    it('a cached token refused with another code (AccessDenied) is not refreshed', async () => {
      const token = tokens({ ok: true, token: 'Atza|cached', cached: true });
      const { runner, spec, transport } = setup(
        [reply(403, { errors: [{ code: 'AccessDenied', message: 'Access denied' }] })],
        { token },
      );
      expect(await runner.run(spec)).toMatchObject({
        failure: { kind: 'needs_attention', problem: 'access_denied' },
      });
      expect(token.invalidated).toEqual([]);
      expect(transport.requests).toHaveLength(1);
    });
  });

  it('other 403s and 401 need a person, at once', async () => {
    const denied = setup([
      reply(403, { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] }),
    ]);
    expect(await denied.runner.run(denied.spec)).toMatchObject({
      failure: { kind: 'needs_attention', problem: 'access_denied' },
    });
    expect(denied.transport.requests).toHaveLength(1);
    const unauthorized = setup([reply(401)]);
    expect(await unauthorized.runner.run(unauthorized.spec)).toMatchObject({
      failure: { kind: 'needs_attention', problem: 'unauthorized' },
    });
  });

  it('treats a QuotaExceeded code as throttling whatever the status', async () => {
    const { runner, spec, transport } = setup([
      reply(400, { errors: [{ code: 'QuotaExceeded', message: 'slow down' }] }),
      reply(200),
    ]);
    expect((await runner.run(spec)).kind).toBe('response');
    expect(transport.requests).toHaveLength(2);
  });

  it('a 429 drains the bucket, so the next call waits for a token', async () => {
    const { runner, spec, limiter } = setup([reply(429), reply(200)], { rate: 5 });
    await runner.run(spec);
    const key = { api: spec.api, operation: 'cancel', sellerAccount: 's' };
    expect(limiter.nextTokenInMs(key)).toBeGreaterThan(0);
  });

  it('lowers the bucket to x-amzn-RateLimit-Limit', async () => {
    const { runner, spec, limiter } = setup([reply(200, {}, { 'x-amzn-ratelimit-limit': '2.0' })], {
      rate: 80,
    });
    await runner.run(spec);
    expect(limiter.bucket({ api: spec.api, operation: 'cancel', sellerAccount: 's' }).ratePerSecond).toBe(2);
  });

  it('keeps no more MWS tokens than the bridge reports left (ResponseHeaderMetadata)', async () => {
    const body = { ResponseHeaderMetadata: { QuotaMax: 10, QuotaRemaining: 0, QuotaResetsAt: null } };
    const { runner, spec, limiter } = setup([reply(200, body)], { rate: 5 });
    const mws = { ...spec, api: 'amazon-mfn-mws' as const };
    await runner.run(mws);
    expect(limiter.nextTokenInMs({ api: mws.api, operation: 'cancel', sellerAccount: 's' })).toBeGreaterThan(
      0,
    );
    // Shipping v2 has no such metadata: the same body leaves its bucket alone.
    const v2 = setup([reply(200, body)], { rate: 5 });
    await v2.runner.run(v2.spec);
    expect(v2.limiter.nextTokenInMs({ api: v2.spec.api, operation: 'cancel', sellerAccount: 's' })).toBe(0);
  });

  it('does not send when the rate-limit wait alone would pass the deadline', async () => {
    const { runner, spec, transport, limiter } = setup([reply(200)], { rate: 1, deadlineMs: 500 });
    limiter.bucket({ api: spec.api, operation: 'cancel', sellerAccount: 's' }).drain();
    const result = await runner.run(spec);
    expect(result).toMatchObject({ failure: { kind: 'retry_later', cause: 'throttled' } });
    if (result.kind === 'failure' && result.failure.kind === 'retry_later')
      expect(result.failure.retryAfterMs).toBe(1000);
    expect(transport.requests).toHaveLength(0);
  });

  it('takes the rate-limit token while the access token is still being fetched', async () => {
    let issue: (grant: TokenGrant) => void = () => undefined;
    const slow: TokenSource = {
      get: () => new Promise<TokenGrant>((resolve) => (issue = resolve)),
      invalidate: () => undefined,
    };
    const { runner, spec, transport, limiter } = setup([reply(200)], { token: slow });
    const acquire = limiter.acquire.bind(limiter);
    let acquired = 0;
    limiter.acquire = async (...args) => {
      const result = await acquire(...args);
      acquired += 1;
      return result;
    };
    const running = runner.run(spec);
    await new Promise((resolve) => setImmediate(resolve));
    expect(acquired).toBe(1);
    expect(transport.requests).toHaveLength(0);
    issue({ ok: true, token: 'Atza|late' });
    expect((await running).kind).toBe('response');
    expect(transport.requests[0]?.headers['x-amz-access-token']).toBe('Atza|late');
  });

  it('retries a token endpoint outage, and stops at once on a credentials problem', async () => {
    const flaky = tokens({ ok: false, transient: 'LWA 503' }, { ok: true, token: 'Atza|t' });
    const a = setup([reply(200)], { token: flaky });
    expect((await a.runner.run(a.spec)).kind).toBe('response');
    expect(flaky.gets).toBe(2);
    const revoked = tokens({ ok: false, failure: { kind: 'needs_attention', problem: 'invalid_grant' } });
    const b = setup([reply(200)], { token: revoked });
    expect(await b.runner.run(b.spec)).toMatchObject({
      failure: { kind: 'needs_attention', problem: 'invalid_grant' },
    });
    expect(revoked.gets).toBe(1);
    expect(b.transport.requests).toHaveLength(0);
  });

  it('a caller abort before sending ends retry_later/deadline without a request', async () => {
    const { runner, spec, transport } = setup([reply(200)]);
    const controller = new AbortController();
    controller.abort();
    expect(await runner.run({ ...spec, signal: controller.signal })).toMatchObject({
      failure: { kind: 'retry_later', cause: 'deadline' },
    });
    expect(transport.requests).toHaveLength(0);
  });
});
