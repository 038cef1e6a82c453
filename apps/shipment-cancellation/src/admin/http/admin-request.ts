import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/api-key';
import { AdminError } from './admin-error';

/** What the admin layer learns about a request: its id (always) and, once authenticated, who sent it. */
export interface AdminContext {
  requestId: string;
  principal?: Principal;
  /** The W3C traceparent of the request's span (or the one it came with): cancellations it makes keep it. */
  traceParent?: string | null;
}

/** The Node request as Express hands it over (Express itself is not a dependency we import). */
export type AdminRequest = IncomingMessage & {
  adminContext?: AdminContext;
  body?: unknown;
  originalUrl?: string;
};

export function adminContextOf(req: AdminRequest): AdminContext {
  // The admin middleware sets it first thing; a request that skipped it is a wiring bug.
  if (!req.adminContext) throw new Error('admin request without context: is the admin middleware mounted?');
  return req.adminContext;
}

/** The authenticated caller and the request id; only on routes behind the ApiKeyGuard. */
export interface Caller {
  requestId: string;
  principal: Principal;
  traceParent?: string | null;
}

/** Who is calling: the request id and the principal the key guard found. */
export function callerOf(req: AdminRequest): Caller {
  const context = adminContextOf(req);
  if (!context.principal) throw new Error('no principal: is the route behind ApiKeyGuard?');
  return {
    requestId: context.requestId,
    principal: context.principal,
    traceParent: context.traceParent ?? null,
  };
}

// Printable ASCII, 1 to 255 characters: what clients put in the header (UUIDs, ticket ids), nothing more.
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/** The optional `Idempotency-Key` header, validated (422 with the header as the field). */
export function idempotencyKeyOf(req: AdminRequest): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) {
    throw AdminError.validation([
      {
        location: 'header',
        path: '/idempotency-key',
        message: 'must be 1 to 255 printable ASCII characters',
      },
    ]);
  }
  return raw;
}
