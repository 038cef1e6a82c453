import { createHash } from 'node:crypto';
import type { CarrierLogger } from '../carrier-client.config';
import type { HttpTransport } from '../http/http.transport';
import { extractError, isRecord, parseBody, str } from '../http/amazon-response.parser';
import type { SecretRedactor } from '../http/secret.redactor';
import type { LwaCredentials } from '../port';
import type { Clock } from '../retry/clock';

/** What a person must fix; absent when the failure is transient (network, 5xx, 429). */
export type LwaProblem = 'invalid_grant' | 'invalid_client' | 'unauthorized';

/** A failed token refresh. Its message never contains a secret. */
export class LwaError extends Error {
  constructor(
    message: string,
    readonly problem: LwaProblem | undefined,
    readonly httpStatus?: number,
    readonly errorCode?: string,
  ) {
    super(message);
    this.name = 'LwaError';
  }

  get transient(): boolean {
    return this.problem === undefined;
  }
}

export interface LwaTokenProviderOptions {
  tokenUrl: string;
  transport: HttpTransport;
  clock: Clock;
  redactor: SecretRedactor;
  timeoutMs: number;
  logger?: CarrierLogger;
  /** Refresh this long before expiry (default one minute). */
  refreshBeforeExpiryMs?: number;
}

interface CachedToken {
  token: string;
  /** Clock time after which the token is refreshed rather than used. */
  refreshAt: number;
}

/** Login with Amazon access tokens: one cached token per credential set, one refresh in flight at a time. */
export class LwaTokenProvider {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  private readonly refreshBeforeExpiryMs: number;
  /** Token endpoint calls made; observable for tests and metrics. */
  refreshCount = 0;

  constructor(private readonly options: LwaTokenProviderOptions) {
    this.refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? 60_000;
  }

  /** Resolves a valid access token or rejects with an LwaError. */
  async getAccessToken(credentials: LwaCredentials): Promise<string> {
    return (await this.getAccessTokenGrant(credentials)).token;
  }

  /** Like getAccessToken, and says whether the token came from the cache or from a refresh just made. */
  async getAccessTokenGrant(credentials: LwaCredentials): Promise<{ token: string; cached: boolean }> {
    this.options.redactor.register(credentials.clientSecret, credentials.refreshToken);
    const key = cacheKey(credentials);
    const cached = this.cache.get(key);
    if (cached && this.options.clock.now() < cached.refreshAt) return { token: cached.token, cached: true };
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.refresh(credentials).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
      pending.then(
        (fresh) => this.cache.set(key, fresh),
        () => this.cache.delete(key),
      );
    }
    return { token: (await pending).token, cached: false };
  }

  /** Forgets `token` after Amazon refused it (403); a newer token already cached is kept. */
  invalidate(credentials: LwaCredentials, token: string): void {
    const key = cacheKey(credentials);
    if (this.cache.get(key)?.token === token) this.cache.delete(key);
  }

  private async refresh(credentials: LwaCredentials): Promise<CachedToken> {
    const { transport, clock, redactor, tokenUrl, timeoutMs, logger } = this.options;
    this.refreshCount += 1;
    const startedAt = clock.now();
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }).toString();
    const result = await transport.send({
      method: 'POST',
      url: tokenUrl,
      headers: {
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
      },
      body,
      timeoutMs,
    });
    if (result.kind === 'failure') {
      throw new LwaError(redactor.redact(`LWA token request failed: ${result.message}`), undefined);
    }
    const { status } = result.response;
    const parsed = parseBody(result.response.body);
    if (status >= 200 && status < 300 && parsed.format === 'json' && isRecord(parsed.value)) {
      const token = str(parsed.value['access_token']);
      const expiresIn = Number(parsed.value['expires_in'] ?? 3600);
      if (token) {
        redactor.register(token, str(parsed.value['refresh_token']));
        const lifetimeMs = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000;
        // Short-lived tokens (sandboxes) would otherwise never count as fresh.
        const early = Math.min(this.refreshBeforeExpiryMs, lifetimeMs / 2);
        logger?.debug('lwa token refreshed', { expiresInSeconds: lifetimeMs / 1000 });
        return { token, refreshAt: startedAt + lifetimeMs - early };
      }
    }
    const error = extractError(parsed);
    const code = error?.code;
    const description = error?.message ? `: ${error.message}` : '';
    const message = redactor.redact(
      `LWA token request failed with HTTP ${status} ${code ?? ''}${description}`.trim(),
    );
    if (status === 429 || status >= 500 || (status >= 200 && status < 300)) {
      throw new LwaError(message, undefined, status, code);
    }
    throw new LwaError(message, lwaProblem(status, code), status, code);
  }
}

// 400 invalid_grant: refresh token revoked; 401 invalid_client: secret wrong or rotated (every 180 days).
function lwaProblem(status: number, code: string | undefined): LwaProblem {
  if (code === 'invalid_grant') return 'invalid_grant';
  if (code === 'invalid_client' || code === 'unauthorized_client' || status === 401) return 'invalid_client';
  return 'unauthorized';
}

/** Identifies a credential set without keeping its secrets as map keys. */
export function cacheKey(credentials: LwaCredentials): string {
  return createHash('sha256')
    .update(`${credentials.clientId}\u0000${credentials.clientSecret}\u0000${credentials.refreshToken}`)
    .digest('hex');
}
