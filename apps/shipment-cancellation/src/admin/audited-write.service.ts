// The frame of every admin write: one unit of work holding the idempotency check, the change, its audit row
// and the stored response; after commit it nudges the relay and the carrier worker for what the change recorded.
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AdminAction, type AuditTargetType, writeAudit } from '../store/audit-log.writer';
import type { Caller } from './http/admin-request';
import { AdminError } from './http/admin-error';
import { findStoredResponse, lockIdempotencyKey, storeResponse } from '../store/idempotency.store';
import { requestHash } from './request-hash';
import { type Transaction, UnitOfWork } from '../store/unit-of-work';
import type { WriteBody } from './admin.schemas';

export interface WriteRequest {
  caller: Caller;
  idempotencyKey: string | null;
  action: AdminAction;
  method: 'POST';
  path: string;
  params: Record<string, string>;
  body: WriteBody;
  target: { type: AuditTargetType; id: string };
}

/** What a write answers. Events and carrier work go through the transaction (`tx.append`, `tx.workDue`). */
export interface WriteOutcome {
  status: number;
  body: unknown;
}

export interface AdminResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

@Injectable()
export class AuditedWriteService {
  private readonly logger = new Logger('AdminApi');

  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Runs `change` once per idempotency key, audited; `manager` is `tx.manager`, for changes that need only it. */
  async run(
    request: WriteRequest,
    change: (manager: EntityManager, now: Date, tx: Transaction) => Promise<WriteOutcome>,
  ): Promise<AdminResponse> {
    const { caller, idempotencyKey: key } = request;
    const actor = caller.principal.id;
    const hash = requestHash(request.action, request.params, request.body);
    const response = await this.unitOfWork.run(async (tx): Promise<AdminResponse> => {
      const { manager } = tx;
      const now = new Date();
      if (key !== null) {
        await lockIdempotencyKey(manager, actor, key);
        const stored = await findStoredResponse(manager, actor, key);
        if (stored && stored.requestHash !== hash) {
          throw new AdminError(
            422,
            'idempotency_key_reused',
            'this Idempotency-Key was used for a different request; use a new key for a new request',
          );
        }
        if (stored) return { status: stored.status, body: stored.body, replayed: true };
      }
      const outcome = await change(manager, now, tx);
      await writeAudit(
        manager,
        {
          principal: caller.principal,
          action: request.action,
          reason: request.body.reason,
          requestId: caller.requestId,
          idempotencyKey: key,
          targetType: request.target.type,
          targetId: request.target.id,
          request: { method: request.method, path: request.path, params: request.params, body: request.body },
          responseStatus: outcome.status,
          result: outcome.body,
        },
        now,
      );
      const body =
        key === null
          ? outcome.body
          : await storeResponse(manager, {
              actor,
              key,
              method: request.method,
              path: request.path,
              requestHash: hash,
              status: outcome.status,
              body: outcome.body,
            });
      return { status: outcome.status, body, replayed: false };
    });
    this.logger.log(
      `${request.action} ${request.target.type} ${request.target.id} by ${actor}: ${response.status}${response.replayed ? ' (replayed)' : ''}`,
      { requestId: caller.requestId, actor, idempotencyKey: key },
    );
    return response;
  }
}
