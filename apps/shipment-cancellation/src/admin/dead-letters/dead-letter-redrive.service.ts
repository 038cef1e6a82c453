// Redrive: send dead letters back to where they came from, after a fix, inside the caller's transaction. The
// rows stay locked from the check to the mark, so two redrives of one dead letter never both send it; the mark
// is written only for what the broker has acknowledged. Once redriven, a dead letter is sent again only when
// forced. A crash between the send and the commit leaves a sent message unmarked: at least once, as Kafka is.
// The inbox entry that dropped redeliveries of a refused event is removed with the send, so the copy is applied.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decodeEvent } from '@oms/events';
import { kafkaHeaders, safeText } from '../../store/dead-letter-bytes';
import { DeadLetterPublisher, type KafkaPosition, RedrivePublishError } from './dead-letter.publisher';
import {
  type DeadLetterFilter,
  type DeadLetterRow,
  DeadLetterStore,
  type RedriveCandidate,
  type RedriveMark,
} from '../../store/dead-letter.store';

export interface RedriveOptions {
  actor: string;
  at: Date;
  force: boolean;
}

export interface Redriven extends KafkaPosition {
  deadLetterId: string;
}

export type SingleRedrive =
  | { kind: 'not_found' }
  | { kind: 'already_redriven'; row: DeadLetterRow }
  | { kind: 'published'; row: DeadLetterRow; mark: RedriveMark; published: Redriven };

/** What a bulk redrive found and did. `eligible`: matched, less the ones redriven already unless forced. */
export interface BulkRedrive {
  matched: number;
  alreadyRedriven: number;
  eligible: number;
  redriven: Redriven[];
  /** Set when a send failed: the rest of this call was not sent (and not marked). */
  failure: { notPublished: number } | null;
}

/** One produce request stays well under the broker's default 1 MiB batch limit. */
const CHUNK_BYTES = 512 * 1024;
const CHUNK_MESSAGES = 100;

/** Consecutive chunks of at most `maxBytes` (a bigger item goes alone) and `maxCount` items. */
export function chunks<T>(
  items: readonly T[],
  size: (item: T) => number,
  maxBytes: number,
  maxCount: number,
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    if (current.length > 0 && (current.length >= maxCount || bytes + itemBytes > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Per topic and partition in offset order, so a partition's dead letters go back in the order they came. */
export function sendOrder(a: RedriveCandidate, b: RedriveCandidate): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.partition !== b.partition) return a.partition - b.partition;
  const diff = BigInt(a.offset) - BigInt(b.offset);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** The inbox ids a copy of these dead letters will be recorded under: the event ids of those that decode. */
export function inboxIdsOf(rows: readonly DeadLetterRow[]): string[] {
  return rows.flatMap((row) => {
    const decoded = decodeEvent(row.payload ?? Buffer.alloc(0));
    const id = decoded.ok ? decoded.event.id : '';
    // Ids the inbox could not hold were recorded by position, which a copy never shares.
    return id.length > 0 && id.length <= 256 && safeText(id, 256) === id ? [id] : [];
  });
}

function recordOf(row: DeadLetterRow) {
  return {
    topic: row.topic,
    partition: row.partition,
    key: row.key,
    value: row.payload,
    headers: kafkaHeaders(row.headers),
  };
}

@Injectable()
export class DeadLetterRedrive {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly publisher: DeadLetterPublisher,
  ) {}

  /** Sends one dead letter back, unless it was redriven already and not `force`. Throws RedrivePublishError. */
  async one(manager: EntityManager, id: string, options: RedriveOptions): Promise<SingleRedrive> {
    const row = await this.store.lockOne(manager, id);
    if (!row) return { kind: 'not_found' };
    if (row.redriveCount > 0 && !options.force) return { kind: 'already_redriven', row };
    // Before the send: the copy's ingest then waits for this transaction instead of finding the old row.
    await this.store.reopenInbox(manager, inboxIdsOf([row]));
    const [position] = await this.publisher.publish([recordOf(row)]);
    const [mark] = await this.store.markRedriven(manager, [row.id], options.actor, options.at);
    if (!position || !mark) throw new Error(`dead letter ${id} was sent but not marked`);
    return { kind: 'published', row, mark, published: { deadLetterId: row.id, ...position } };
  }

  /** What `many` would do now, without locking or sending anything. */
  async preview(
    manager: EntityManager,
    filter: DeadLetterFilter,
    force: boolean,
  ): Promise<Omit<BulkRedrive, 'redriven' | 'failure'>> {
    const { matched, redriven } = await this.store.count(manager, filter);
    return { matched, alreadyRedriven: redriven, eligible: force ? matched : matched - redriven };
  }

  /**
   * Sends up to `limit` matching dead letters back, oldest first, a few per request. A failed request stops the
   * call; what was sent before it is marked and reported.
   */
  async many(
    manager: EntityManager,
    filter: DeadLetterFilter,
    options: RedriveOptions & { limit: number },
  ): Promise<BulkRedrive> {
    const counts = await this.preview(manager, filter, options.force);
    const candidates = await this.store.lockForRedrive(manager, filter, options);
    const redriven: Redriven[] = [];
    let failure: BulkRedrive['failure'] = null;
    const batches = chunks(
      [...candidates].sort(sendOrder),
      (c) => c.payloadSize,
      CHUNK_BYTES,
      CHUNK_MESSAGES,
    );
    for (const [i, batch] of batches.entries()) {
      const rows = await this.store.loadForRedrive(
        manager,
        batch.map((c) => c.id),
      );
      await this.store.reopenInbox(manager, inboxIdsOf(rows));
      try {
        const positions = await this.publisher.publish(rows.map(recordOf));
        rows.forEach((row, j) => redriven.push({ deadLetterId: row.id, ...(positions[j] as KafkaPosition) }));
      } catch (error) {
        if (!(error instanceof RedrivePublishError)) throw error;
        if (redriven.length === 0) throw error;
        failure = { notPublished: batches.slice(i).reduce((n, b) => n + b.length, 0) };
        break;
      }
    }
    await this.store.markRedriven(
      manager,
      redriven.map((r) => r.deadLetterId),
      options.actor,
      options.at,
    );
    return { ...counts, redriven, failure };
  }
}
