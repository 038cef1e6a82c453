// Sends every failed cancellation matching a filter back to the carrier worker, each exactly as the single
// retry does, in one audited write; or, with dryRun, only counts them.
import { Injectable } from '@nestjs/common';
import { lockCancellationToRetry, reopenFailedCancellation } from '../store/cancellations.store';
import { lockOrders } from '../store/order-lock';
import {
  type FailedFilter,
  countFailedCancellations,
  findFailedCancellations,
} from '../store/resolutions.store';
import type { BulkRetryBody } from './admin.schemas';
import { type AdminResponse, AuditedWriteService } from './audited-write.service';
import type { WriteCall } from './manual-cancellation.service';
import { canonicalJson } from './request-hash';

export type BulkRetryCall = Omit<WriteCall, 'body'> & { body: BulkRetryBody };

/** The answer: how many match, and which were sent back (none on a dry run). */
export interface BulkRetryAnswer {
  dryRun: boolean;
  limit: number;
  matched: number;
  count: number;
  retried: string[];
}

const at = (time: string | undefined): Date | null => (time === undefined ? null : new Date(time));

@Injectable()
export class BulkRetryService {
  constructor(private readonly writes: AuditedWriteService) {}

  /** Retries up to `limit` matching failed cancellations, the longest failed first; wakes the worker once. */
  retryMany(call: BulkRetryCall): Promise<AdminResponse> {
    const { reason: _reason, dryRun, limit, ...fields } = call.body;
    const filter: FailedFilter = {
      sellerAccount: fields.sellerAccount ?? null,
      failureReason: fields.failureReason ?? null,
      failedFrom: at(fields.failedFrom),
      failedTo: at(fields.failedTo),
    };
    return this.writes.run(
      {
        ...call,
        method: 'POST',
        action: 'retry_cancellations',
        params: {},
        target: { type: 'shipment_cancellations', id: canonicalJson(fields) },
      },
      async (manager, now, tx) => {
        const matched = await countFailedCancellations(manager, filter);
        const answer: BulkRetryAnswer = {
          dryRun,
          limit,
          matched,
          count: Math.min(matched, limit),
          retried: [],
        };
        if (dryRun) return { status: 200, body: answer };
        const found = await findFailedCancellations(manager, filter, limit);
        // The orders' locks first, as the single retry takes its one, then each row under its lock.
        await lockOrders(
          manager,
          found.map((f) => f.orderId),
        );
        for (const { id } of found) {
          const current = await lockCancellationToRetry(manager, id);
          // Moved on since it was found (the event path or another operator): not ours to reopen.
          if (current?.state !== 'failed') continue;
          await reopenFailedCancellation(manager, current, now);
          answer.retried.push(id);
        }
        answer.count = answer.retried.length;
        if (answer.count > 0) tx.workDue();
        return { status: 200, body: answer };
      },
    );
  }
}
