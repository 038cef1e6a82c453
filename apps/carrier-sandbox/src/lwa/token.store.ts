import { randomBytes } from 'node:crypto';
import { asObject, InputError, JsonObject, optionalString, requiredString } from '../control/control-input';

/** Sandbox-only credentials, accepted out of the box (documented in the README). */
export const DEFAULT_CREDENTIALS = {
  clientId: 'amzn1.application-oa2-client.sandbox',
  clientSecret: 'sandbox-client-secret',
  refreshToken: 'Atzr|sandbox-refresh-token',
} as const;

export interface RestrictedResource {
  method: string;
  path: string;
}

export interface AccessTokenRecord {
  kind: 'lwa' | 'rdt';
  clientId: string;
  refreshToken: string;
  /** Selling partner the refresh token was bound to, if any (used as the rate-limit principal). */
  sellerAccount?: string;
  expiresAt: number;
  forcedExpired: boolean;
  revoked: boolean;
  resources?: RestrictedResource[];
}

interface RefreshTokenRecord {
  clientId?: string;
  sellerAccount?: string;
  revoked: boolean;
}

export type AuthFailure = 'missing' | 'invalid' | 'expired' | 'rdtRequired' | 'rdtScope';
export type VerifyResult = { ok: true; record: AccessTokenRecord } | { ok: false; failure: AuthFailure };
export type ExchangeResult =
  | { ok: true; accessToken: string; record: AccessTokenRecord }
  | { ok: false; error: 'invalid_client' | 'invalid_grant' };

/** LWA clients and refresh tokens, plus every access token and RDT the sandbox has issued. */
export class TokenStore {
  private readonly clients = new Map<string, string>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();

  constructor() {
    this.resetCredentials();
  }

  resetCredentials(): void {
    this.clients.clear();
    this.refreshTokens.clear();
    this.clients.set(DEFAULT_CREDENTIALS.clientId, DEFAULT_CREDENTIALS.clientSecret);
    // Not bound to a client or seller: any valid client may use it, for any seller account.
    this.refreshTokens.set(DEFAULT_CREDENTIALS.refreshToken, { revoked: false });
  }

  /** LWA checks the client first (401 invalid_client), then the grant (400 invalid_grant). */
  exchange(
    clientId: string,
    clientSecret: string,
    refreshToken: string,
    ttlSeconds: number,
    now: number,
  ): ExchangeResult {
    if (this.clients.get(clientId) !== clientSecret) return { ok: false, error: 'invalid_client' };
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.revoked || (grant.clientId !== undefined && grant.clientId !== clientId)) {
      return { ok: false, error: 'invalid_grant' };
    }
    const record: AccessTokenRecord = {
      kind: 'lwa',
      clientId,
      refreshToken,
      expiresAt: now + ttlSeconds * 1000,
      forcedExpired: false,
      revoked: false,
      ...(grant.sellerAccount !== undefined && { sellerAccount: grant.sellerAccount }),
    };
    const accessToken = `Atza|IwEB${randomBytes(72).toString('base64url')}`;
    this.accessTokens.set(accessToken, record);
    return { ok: true, accessToken, record };
  }

  issueRestrictedDataToken(
    parent: AccessTokenRecord,
    resources: RestrictedResource[],
    ttlSeconds: number,
    now: number,
  ): string {
    const token = `Atz.sprdt|IwEB${randomBytes(72).toString('base64url')}`;
    this.accessTokens.set(token, {
      ...parent,
      kind: 'rdt',
      expiresAt: now + ttlSeconds * 1000,
      forcedExpired: false,
      resources,
    });
    return token;
  }

  verify(token: string | undefined, now: number): VerifyResult {
    if (token === undefined || token.length === 0) return { ok: false, failure: 'missing' };
    const record = this.accessTokens.get(token);
    if (!record || record.revoked) return { ok: false, failure: 'invalid' };
    if (record.forcedExpired || now >= record.expiresAt) return { ok: false, failure: 'expired' };
    return { ok: true, record };
  }

  /** Control API: add clients / refresh tokens, revoke refresh tokens, expire or revoke issued tokens. */
  configure(body: unknown): Record<string, number> {
    const obj = asObject(body, 'credentials');
    for (const key of Object.keys(obj)) {
      if (!CREDENTIAL_KEYS.has(key))
        throw new InputError(`credentials.${key} is unknown (known: ${[...CREDENTIAL_KEYS].join(', ')})`);
    }
    const applied = {
      clients: 0,
      refreshTokens: 0,
      revokedRefreshTokens: 0,
      removedClients: 0,
      accessTokens: 0,
    };
    for (const [i, item] of arrayOf(obj, 'clients').entries()) {
      const client = asObject(item, `credentials.clients[${i}]`);
      const path = `credentials.clients[${i}]`;
      this.clients.set(
        requiredString(client, 'clientId', path),
        requiredString(client, 'clientSecret', path),
      );
      applied.clients++;
    }
    for (const [i, id] of arrayOf(obj, 'removeClients').entries()) {
      if (typeof id !== 'string') throw new InputError(`credentials.removeClients[${i}] must be a string`);
      if (this.clients.delete(id)) applied.removedClients++;
    }
    for (const [i, item] of arrayOf(obj, 'refreshTokens').entries()) {
      const path = `credentials.refreshTokens[${i}]`;
      const grant = asObject(item, path);
      const clientId = optionalString(grant, 'clientId', path);
      const sellerAccount = optionalString(grant, 'sellerAccount', path);
      this.refreshTokens.set(requiredString(grant, 'refreshToken', path), {
        revoked: false,
        ...(clientId !== undefined && { clientId }),
        ...(sellerAccount !== undefined && { sellerAccount }),
      });
      applied.refreshTokens++;
    }
    for (const [i, token] of arrayOf(obj, 'revokeRefreshTokens').entries()) {
      if (typeof token !== 'string')
        throw new InputError(`credentials.revokeRefreshTokens[${i}] must be a string`);
      const grant = this.refreshTokens.get(token);
      if (grant) {
        grant.revoked = true;
        applied.revokedRefreshTokens++;
      }
    }
    if (obj['expireAccessTokens'] === true || obj['revokeAccessTokens'] === true) {
      for (const record of this.accessTokens.values()) {
        if (obj['revokeAccessTokens'] === true) record.revoked = true;
        else record.forcedExpired = true;
        applied.accessTokens++;
      }
    }
    return applied;
  }
}

const CREDENTIAL_KEYS = new Set([
  'clients',
  'removeClients',
  'refreshTokens',
  'revokeRefreshTokens',
  'expireAccessTokens',
  'revokeAccessTokens',
]);

function arrayOf(obj: JsonObject, key: string): unknown[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(`credentials.${key} must be an array`);
  return value;
}
