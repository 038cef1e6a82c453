// The frame of every admin write: one transaction holding the idempotency check, the change, its audit row
// and the stored response; after commit, the outbox relay and the carrier worker are nudged.
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AdminAction, type AuditTargetType, writeAudit } from '../store/audit-log.writer';
import type { Caller } from './http/admin-request';
import { AdminError } from './http/admin-error';
import { findStoredResponse, lockIdempotencyKey, requestHash, storeResponse } from './idempotency.store';
import { CarrierWorker } from '../pipeline/dispatch/carrier-worker.service';
import { OutboxWriter } from '../store/outbox.writer';
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

/** What a write did: the HTTP answer, and whether events were appended or carrier work made due. */
export interface WriteOutcome {
  status: number;
  body: unknown;
  eventsAppended: number;
  workDue: boolean;
}

export interface AdminResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

@Injectable()
export class AuditedWriteService {
  private readonly logger = new Logger('AdminApi');

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly worker: CarrierWorker,
  ) {}

  async run(
    request: WriteRequest,
    change: (manager: EntityManager, now: Date) => Promise<WriteOutcome>,
  ): Promise<AdminResponse> {
    const { caller, idempotencyKey: key } = request;
    const actor = caller.principal.id;
    const hash = requestHash(request.action, request.params, request.body);
    let outcome: WriteOutcome | null = null;
    const response = await this.dataSource.transaction(async (manager): Promise<AdminResponse> => {
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
      outcome = await change(manager, now);
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
    const done = outcome as WriteOutcome | null;
    if (done?.eventsAppended) this.outbox.notifyCommitted();
    if (done?.workDue) this.worker.wake();
    this.logger.log(
      `${request.action} ${request.target.type} ${request.target.id} by ${actor}: ${response.status}${response.replayed ? ' (replayed)' : ''}`,
      { requestId: caller.requestId, actor, idempotencyKey: key },
    );
    return response;
  }
}
