// The audit log's one statement: a row per admin write, in the write's own transaction; never updated or deleted.
import type { EntityManager } from 'typeorm';
import type { AdminApiKey } from '../platform/config/config';
import { AuditLogEntity } from './entities/audit-log.entity';
import type { Json } from './entities/json';

export type AdminAction =
  | 'cancel_shipment'
  | 'cancel_order'
  | 'retry_cancellation'
  | 'retry_cancellations'
  | 'resolve_cancellation'
  | 'redrive_dead_letter'
  | 'redrive_dead_letters';

/** What a write acted on; the plural ones are bulk actions, their id the filter. */
export type AuditTargetType =
  'order' | 'shipment' | 'shipment_cancellation' | 'shipment_cancellations' | 'dead_letter' | 'dead_letters';

/** The caller as audited: the key's id (the actor) and its role. */
export interface AuditPrincipal {
  id: string;
  role: AdminApiKey['role'];
}

/** One admin write as the audit log keeps it: who, why, on what, what was asked and what came of it. */
export interface AuditEntry {
  principal: AuditPrincipal;
  action: AdminAction;
  reason: string;
  requestId: string;
  idempotencyKey: string | null;
  targetType: AuditTargetType;
  targetId: string;
  request: { method: string; path: string; params: Record<string, string>; body: unknown };
  responseStatus: number;
  result: unknown;
}

/** Written in the transaction of the change itself: the change and its audit row commit together or not at all. */
export async function writeAudit(manager: EntityManager, entry: AuditEntry, now: Date): Promise<void> {
  await manager.insert(AuditLogEntity, {
    occurredAt: now,
    actor: entry.principal.id,
    role: entry.principal.role,
    action: entry.action,
    reason: entry.reason,
    requestId: entry.requestId,
    idempotencyKey: entry.idempotencyKey,
    targetType: entry.targetType,
    targetId: entry.targetId,
    // Bodies are JSON by construction: they are what the API answers with.
    request: { ...entry.request, body: entry.request.body as Json },
    responseStatus: entry.responseStatus,
    result: entry.result as Json,
  });
}
