import { joinUrl } from '../amazon-regions';
import { isRecord, str } from '../http/amazon-response.parser';
import type { SecretRedactor } from '../http/secret.redactor';
import { cacheKey } from '../lwa/lwa-token.provider';
import type { LwaCredentials } from '../port';
import type { AmazonCallRunner, TokenGrant, TokenSource } from '../retry/amazon-call.runner';
import type { Clock } from '../retry/clock';

export const RDT_PATH = '/tokens/2021-03-01/restrictedDataToken';
const MAX_CACHED = 1_000;

export interface RestrictedResource {
  method: 'GET' | 'DELETE';
  path: string;
}

export interface RdtScope {
  credentials: LwaCredentials;
  /** LWA tokens for the Tokens API call itself. */
  lwa: TokenSource;
  sellerAccount: string;
  baseUrl: string;
  signal?: AbortSignal;
}

/**
 * Restricted Data Tokens for MFN cancel/get (they return personal data): one token per credential set and
 * resource, reused until a minute before expiry, so a retried cancel does not mint a second one.
 */
export class RestrictedDataTokenProvider {
  private readonly cache = new Map<string, { token: string; refreshAt: number }>();
  /** Tokens API calls made. */
  requestCount = 0;

  constructor(
    private readonly runner: AmazonCallRunner,
    private readonly clock: Clock,
    private readonly redactor: SecretRedactor,
  ) {}

  source(scope: RdtScope, resource: RestrictedResource): TokenSource {
    const key = `${cacheKey(scope.credentials)} ${resource.method} ${resource.path}`;
    return {
      get: (deadlineAt) => this.get(key, scope, resource, deadlineAt),
      invalidate: (token) => {
        if (this.cache.get(key)?.token === token) this.cache.delete(key);
      },
    };
  }

  private async get(
    key: string,
    scope: RdtScope,
    resource: RestrictedResource,
    deadlineAt: number,
  ): Promise<TokenGrant> {
    const cached = this.cache.get(key);
    if (cached && this.clock.now() < cached.refreshAt) return { ok: true, token: cached.token, cached: true };
    this.requestCount += 1;
    const startedAt = this.clock.now();
    const result = await this.runner.run({
      api: 'amazon-mfn-v0',
      operation: 'createRestrictedDataToken',
      sellerAccount: scope.sellerAccount,
      idempotent: true,
      token: scope.lwa,
      deadlineAt,
      signal: scope.signal,
      context: { restrictedPath: resource.path },
      build: (token) => ({
        method: 'POST',
        url: joinUrl(scope.baseUrl, RDT_PATH),
        headers: {
          'x-amz-access-token': token,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ restrictedResources: [{ method: resource.method, path: resource.path }] }),
      }),
    });
    if (result.kind === 'failure') return { ok: false, failure: result.failure };
    const { response, parsed, trace } = result;
    const body = parsed.format === 'json' && isRecord(parsed.value) ? parsed.value : undefined;
    const token = body ? str(body['restrictedDataToken']) : undefined;
    if (response.status >= 200 && response.status < 300 && token) {
      this.redactor.register(token);
      const expiresInMs = Math.max(1, Number(body?.['expiresIn'] ?? 3600)) * 1000;
      this.remember(key, token, startedAt + expiresInMs - Math.min(60_000, expiresInMs / 2));
      return { ok: true, token, cached: false };
    }
    if (response.status >= 200 && response.status < 300)
      return { ok: false, transient: 'Tokens API answered without a token' };
    // The Tokens API refuses when the app lacks the restricted role or data element: a person must act.
    return {
      ok: false,
      failure: {
        kind: 'needs_attention',
        problem: 'access_denied',
        code: trace.error?.code,
        message: this.redactor.redact(
          `Restricted Data Token refused (HTTP ${response.status}): ${trace.error?.message ?? ''}`,
        ),
      },
    };
  }

  private remember(key: string, token: string, refreshAt: number): void {
    if (this.cache.size >= MAX_CACHED) {
      const now = this.clock.now();
      for (const [k, v] of this.cache) if (v.refreshAt <= now) this.cache.delete(k);
      const oldest = this.cache.keys().next().value;
      if (this.cache.size >= MAX_CACHED && oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, { token, refreshAt });
  }
}
