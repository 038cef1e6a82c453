// Operators' dead letters: list and read them, redrive one or many. Reads are plain; a redrive is an audited
// write whose transaction holds the dead letters from the check until the broker has acknowledged the send.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeadLetterRedrive, type Redriven } from './dead-letter-redrive.service';
import { RedrivePublishError } from './dead-letter.publisher';
import { type DeadLetterFilter, DeadLetterStore } from '../../store/dead-letter.store';
import { bytesView } from '../../store/dead-letter-bytes';
import { decodeCursor, encodeCursor } from '../list-cursor';
import { type AdminResponse, AuditedWriteService, type WriteOutcome } from '../audited-write.service';
import { type DeadLetterView, deadLetterView } from './dead-letter-views';
import type {
  BulkRedriveBody,
  DeadLetterFilterFields,
  DeadLetterListQuery,
  RedriveBody,
} from './dead-letters.schemas';
import { AdminError, errorBody } from '../http/admin-error';
import type { Caller } from '../http/admin-request';
import { canonicalJson } from '../request-hash';

export interface RedriveCall<B> {
  caller: Caller;
  idempotencyKey: string | null;
  path: string;
  body: B;
}

export interface RedriveAnswer {
  deadLetterId: string;
  alreadyRedriven: boolean;
  forced: boolean;
  /** What was sent, and where it landed; null when nothing was sent. */
  published: {
    topic: string;
    partition: number;
    offset: string;
    key: { base64: string; utf8: string | null } | null;
    payloadSize: number;
    headerCount: number;
  } | null;
  redriveCount: number;
  lastRedrivenAt: string | null;
  lastRedrivenBy: string | null;
}

export interface BulkRedriveAnswer {
  dryRun: boolean;
  force: boolean;
  limit: number;
  matched: number;
  alreadyRedriven: number;
  count: number;
  more: boolean;
  redriven: Redriven[];
  failure: { error: string; message: string; notPublished: number } | null;
}

const PUBLISH_FAILED = 'the broker did not acknowledge the message in time; nothing was recorded, try again';

export function filterOf(fields: DeadLetterFilterFields): DeadLetterFilter {
  return {
    ...(fields.topic === undefined ? {} : { topic: fields.topic }),
    ...(fields.errorKind === undefined ? {} : { errorKind: fields.errorKind }),
    ...(fields.orderId === undefined ? {} : { orderId: fields.orderId }),
    ...(fields.since === undefined ? {} : { since: new Date(fields.since) }),
    ...(fields.until === undefined ? {} : { until: new Date(fields.until) }),
    ...(fields.redriven === undefined ? {} : { redriven: fields.redriven }),
  };
}

const ok = (body: unknown): WriteOutcome => ({ status: 200, body });

@Injectable()
export class DeadLettersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DeadLetterStore,
    private readonly redrive: DeadLetterRedrive,
    private readonly writes: AuditedWriteService,
  ) {}

  /** One page, oldest first; `nextCursor` is null on the last page. */
  async list(query: DeadLetterListQuery): Promise<{ items: DeadLetterView[]; nextCursor: string | null }> {
    const manager = this.dataSource.manager;
    let after: string | null = null;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor);
      if (!after || !(await this.store.exists(manager, after))) {
        throw AdminError.validation([
          { location: 'query', path: '/cursor', message: 'is not a cursor this API returned' },
        ]);
      }
    }
    // Keyset pagination on (dead_lettered_at, id), which never change: no dead letter is skipped or repeated.
    const rows = await this.store.list(manager, filterOf(query), { after, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit).map(deadLetterView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
  }

  async get(id: string): Promise<DeadLetterView> {
    const row = await this.store.find(this.dataSource.manager, id);
    if (!row) throw new AdminError(404, 'dead_letter_not_found', `no dead letter '${id}'`);
    return deadLetterView(row);
  }

  /** Sends one dead letter back to where it came from; once redriven, only again with `force`. */
  redriveOne(call: RedriveCall<RedriveBody>, id: string): Promise<AdminResponse> {
    return this.writes.run(
      {
        ...call,
        method: 'POST',
        action: 'redrive_dead_letter',
        params: { deadLetterId: id },
        target: { type: 'dead_letter', id },
      },
      async (manager, now) => {
        const options = { actor: call.caller.principal.id, at: now, force: call.body.force };
        const result = await this.redrive.one(manager, id, options).catch(publishFailed);
        if (result.kind === 'not_found') {
          const body = errorBody(
            404,
            'dead_letter_not_found',
            `no dead letter '${id}'`,
            call.caller.requestId,
          );
          return { status: 404, body };
        }
        const { row } = result;
        const state = result.kind === 'published' ? result.mark : row;
        const answer: RedriveAnswer = {
          deadLetterId: id,
          alreadyRedriven: result.kind === 'already_redriven',
          forced: result.kind === 'published' && row.redriveCount > 0,
          published:
            result.kind === 'published'
              ? {
                  topic: result.published.topic,
                  partition: result.published.partition,
                  offset: result.published.offset,
                  key: row.key === null ? null : bytesView(row.key),
                  payloadSize: row.payloadSize,
                  headerCount: row.headers.length,
                }
              : null,
          redriveCount: state.redriveCount,
          lastRedrivenAt: state.lastRedrivenAt?.toISOString() ?? null,
          lastRedrivenBy: state.lastRedrivenBy,
        };
        return ok(answer);
      },
    );
  }

  /** Sends back up to `limit` matching dead letters (or only counts them, `dryRun`). */
  redriveMany(call: RedriveCall<BulkRedriveBody>): Promise<AdminResponse> {
    const { reason: _reason, force, dryRun, limit, ...fields } = call.body;
    const filter = filterOf(fields);
    return this.writes.run(
      {
        ...call,
        method: 'POST',
        action: 'redrive_dead_letters',
        params: {},
        target: { type: 'dead_letters', id: canonicalJson(fields) },
      },
      async (manager, now) => {
        const base = { dryRun, force, limit };
        if (dryRun) {
          const counts = await this.redrive.preview(manager, filter, force);
          const answer: BulkRedriveAnswer = {
            ...base,
            matched: counts.matched,
            alreadyRedriven: counts.alreadyRedriven,
            count: Math.min(counts.eligible, limit),
            more: counts.eligible > limit,
            redriven: [],
            failure: null,
          };
          return ok(answer);
        }
        const options = { actor: call.caller.principal.id, at: now, force, limit };
        const done = await this.redrive.many(manager, filter, options).catch(publishFailed);
        const answer: BulkRedriveAnswer = {
          ...base,
          matched: done.matched,
          alreadyRedriven: done.alreadyRedriven,
          count: done.redriven.length,
          more: done.eligible > done.redriven.length,
          redriven: done.redriven,
          failure: done.failure && {
            error: 'publish_failed',
            message: `the broker did not acknowledge the last ${done.failure.notPublished}; they are not marked, a new call sends them`,
            notPublished: done.failure.notPublished,
          },
        };
        return ok(answer);
      },
    );
  }
}

// A send that failed entirely: the transaction rolls back (nothing marked, nothing audited) and the caller
// may simply try again. The broker's own words go to the log, not to the caller.
function publishFailed(error: unknown): never {
  if (error instanceof RedrivePublishError) throw new AdminError(503, 'publish_failed', PUBLISH_FAILED);
  throw error;
}
