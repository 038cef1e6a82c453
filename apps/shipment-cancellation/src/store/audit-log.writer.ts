import type { EntityManager } from 'typeorm';
import type { AdminApiKey } from '../platform/config/config';

export type AdminAction =
  'cancel_shipment' | 'cancel_order' | 'retry_cancellation' | 'redrive_dead_letter' | 'redrive_dead_letters';

/** What a write acted on; `dead_letters` is a bulk redrive, its id the filter. */
export type AuditTargetType = 'order' | 'shipment' | 'shipment_cancellation' | 'dead_letter' | 'dead_letters';

/** One admin write as the audit log keeps it: who, why, on what, what was asked and what came of it. */
/** The caller as audited: the key's id (the actor) and its role. */
export interface AuditPrincipal {
  id: string;
  role: AdminApiKey['role'];
}

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
  await manager.query(
    `INSERT INTO audit_log (occurred_at, actor, role, action, reason, request_id, idempotency_key, target_type, target_id,
                            request, response_status, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12::jsonb)`,
    [
      now,
      entry.principal.id,
      entry.principal.role,
      entry.action,
      entry.reason,
      entry.requestId,
      entry.idempotencyKey,
      entry.targetType,
      entry.targetId,
      JSON.stringify(entry.request),
      entry.responseStatus,
      JSON.stringify(entry.result),
    ],
  );
}
