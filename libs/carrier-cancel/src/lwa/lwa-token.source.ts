import type { LwaCredentials } from '../port';
import type { TokenGrant, TokenSource } from '../retry/amazon-call.runner';
import { LwaError, type LwaTokenProvider } from './lwa-token.provider';

/** Adapts the shared provider to one credential set; token endpoint failures become call failures. */
export function lwaTokenSource(provider: LwaTokenProvider, credentials: LwaCredentials): TokenSource {
  return {
    async get(): Promise<TokenGrant> {
      try {
        const { token, cached } = await provider.getAccessTokenGrant(credentials);
        return { ok: true, token, cached };
      } catch (error) {
        if (error instanceof LwaError && error.problem !== undefined) {
          return {
            ok: false,
            failure: {
              kind: 'needs_attention',
              problem: error.problem,
              message: error.message,
              code: error.errorCode,
            },
          };
        }
        return { ok: false, transient: error instanceof Error ? error.message : 'token refresh failed' };
      }
    },
    invalidate(token: string): void {
      provider.invalidate(credentials, token);
    },
  };
}
