// Admin API keys: random 256-bit secrets handed to people once; the service only ever holds their SHA-256.
// A fast hash is enough here (unlike passwords): nobody can guess through 2^256 keys, and a slow hash on every
// request would only hand attackers a cheap way to burn our CPU.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminApiKey } from '../../platform/config/config';

export type AdminRole = AdminApiKey['role'];

/** Who made a request: the key's id (the actor in the audit log) and its role. */
export interface Principal {
  id: string;
  role: AdminRole;
}

// The prefix makes a leaked key recognisable to secret scanners and to people.
const KEY_PREFIX = 'osc_';

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

// RFC 6750 b64token after "Bearer ", case-insensitive scheme.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header, or null when there is none or it is malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header.length > 1024) return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/** Operators may do everything viewers may. */
export function roleAllows(role: AdminRole, required: AdminRole): boolean {
  return role === 'operator' || required === 'viewer';
}

/** Matches a presented key against the configured hashes. */
export class ApiKeyVerifier {
  private readonly entries: Array<{ principal: Principal; digest: Buffer }>;

  constructor(keys: AdminApiKey[]) {
    this.entries = keys.map((k) => ({
      principal: { id: k.id, role: k.role },
      digest: Buffer.from(k.sha256, 'hex'),
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  verify(presented: string): Principal | null {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: Principal | null = null;
    // Every entry is compared in constant time, whatever matched, so the timing tells nothing about which
    // key matched or how close a guess came.
    for (const entry of this.entries) {
      const equal = timingSafeEqual(digest, entry.digest);
      if (equal && found === null) found = entry.principal;
    }
    return found;
  }
}
