// What a hostile-input run must show, checked against what was published: each good order cancelled once;
// each hostile input dead-lettered exactly once, its record and the store holding its original bytes, its inbox
// row saying so — or, for an input the contract allows, processed and not dead-lettered.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { EventTypes } from '@oms/events';
import type { Headers, HostileInput } from './hostile-inputs';
import type { Collected } from './kafka';
import type { TopicRecord } from './kafka-topics';

/** One published input message with its place in the topic. */
export interface SentInput {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  ref: { hostile: number } | { good: string };
}

/** The part of a dead-letter record (libs/events dead-letter.event.ts) the checks read. */
export interface DeadLetterData {
  source: { topic: string; partition: number; offset: string; key: string | null };
  payload: { base64: string | null; bytes?: number; sha256?: string };
  error: { kind: string; message: string };
  deadLetterId?: string;
  truncated?: boolean;
}

export interface StoredDeadLetter {
  id: string;
  position: string;
  payload: Buffer;
  payloadNull: boolean;
  headers: Array<{ name: string; base64: string | null; nameBase64?: string }>;
}

const positionOf = (s: { topic: string; partition: number; offset: string }) =>
  `${s.topic}/${s.partition}/${s.offset}`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A key as a dead-letter record shows it: text where UTF-8 without NUL, else 'base64:' + base64. */
function keyText(key: Buffer): string {
  return isUtf8(key) && !key.includes(0) ? key.toString('utf8') : `base64:${key.toString('base64')}`;
}

// Past this many problems of one kind, the rest are counted, not listed.
const LISTED = 25;

export class HostileChecks {
  readonly sent: SentInput[] = [];
  readonly problems: string[] = [];
  private readonly overflow = new Map<string, number>();
  private records = new Map<string, Map<string, DeadLetterData>>();
  private cancelled = new Set<string>();
  private processedSeen = 0;

  constructor(
    private readonly good: string[],
    private readonly hostile: Array<HostileInput & { name?: string }>,
    private readonly neighbour: number[],
  ) {}

  problem(text: string, kind = text): void {
    const seen = this.overflow.get(kind) ?? 0;
    this.overflow.set(kind, seen + 1);
    if (seen < LISTED) this.problems.push(text);
    else if (seen === LISTED) this.problems.push(`… and more of: ${kind}`);
  }

  expectedProcessedIds(): string[] {
    return this.hostile.flatMap((h) => (h.expect === 'processed' && h.eventId ? [h.eventId] : []));
  }

  /** True once every good order is cancelled, every dead letter is out and every processable input is in. */
  done(
    dlq: Array<{ id: string; data: DeadLetterData }>,
    outputs: Collected[],
    processed: Map<string, string>,
  ) {
    this.index(dlq, outputs);
    if (this.cancelled.size < this.good.length) return false;
    for (const s of this.hostileSent()) {
      const h = this.hostile[s.index] as HostileInput;
      if (h.expect === 'dead_letter' && !this.records.has(positionOf(s.sent))) return false;
      const settled = (h.eventId && processed.has(h.eventId)) || this.records.has(positionOf(s.sent));
      if (h.expect === 'processed' && !settled) return false;
    }
    return true;
  }

  /** The broker holds, at each offset we recorded, the bytes we sent. */
  verifyInputs(records: TopicRecord[]): void {
    const at = new Map(records.map((r) => [positionOf(r), r]));
    for (const s of this.sent) {
      const r = at.get(positionOf(s));
      const key = s.key?.toString('utf8') ?? null;
      if (!r || !r.value.equals(s.value ?? Buffer.alloc(0)) || r.key !== key)
        this.problem(
          `the broker does not hold the sent input at ${positionOf(s)} (harness bug)`,
          'input readback',
        );
    }
  }

  verifyOutputs(dlq: Array<{ id: string; data: DeadLetterData }>, outputs: Collected[]): void {
    this.index(dlq, outputs);
    const sentAt = new Set(this.sent.map(positionOf));
    for (const position of this.records.keys())
      if (!sentAt.has(position)) this.problem(`a dead letter for ${position}, which this run did not send`);
    for (const s of this.sent) {
      if ('good' in s.ref && this.records.has(positionOf(s)))
        this.problem(
          `good order ${s.ref.good}'s input at ${positionOf(s)} was dead-lettered`,
          'good dead-lettered',
        );
    }
    for (const { sent, index } of this.hostileSent()) {
      const h = this.hostile[index] as HostileInput;
      const what = `${h.category} "${h.label}" at ${positionOf(sent)}`;
      const records = [...(this.records.get(positionOf(sent))?.values() ?? [])];
      if (h.expect === 'processed') {
        if (records.length > 0)
          this.problem(
            `${what} is valid but was dead-lettered: ${records[0]?.error.message.slice(0, 200)}`,
            'valid dead-lettered',
          );
        continue;
      }
      if (records.length !== 1) {
        this.problem(
          records.length === 0
            ? `${what} has no record on the dead-letter topic`
            : `${what} has ${records.length} distinct records on the dead-letter topic`,
          records.length === 0 ? 'no dead-letter record' : 'several dead-letter records',
        );
        continue;
      }
      this.checkRecord(what, sent, records[0] as DeadLetterData);
    }
    for (const orderId of this.good) {
      const mine = outputs.filter((o) => (o.event.data as { orderId?: string }).orderId === orderId);
      const cancels = new Map(
        mine
          .filter((o) => o.event.type === EventTypes.shipmentCancelled)
          .map((o) => [o.event.id, o.event.data]),
      );
      const other = mine.filter((o) => o.event.type !== EventTypes.shipmentCancelled);
      const [first] = cancels.values() as Iterable<{
        outcome?: string;
        reshipEligible?: boolean;
        final?: boolean;
      }>;
      if (cancels.size !== 1 || other.length > 0)
        this.problem(
          `good order ${orderId}: ${cancels.size} ShipmentCancelled, other outputs: ${other.map((o) => o.event.type).join(', ') || 'none'}`,
          'good order outcome',
        );
      else if (first?.outcome !== 'voided' || first.reshipEligible !== true || first.final !== true)
        this.problem(
          `good order ${orderId}: unexpected ShipmentCancelled ${JSON.stringify(first)}`,
          'good order outcome',
        );
    }
  }

  /** The dead-letter store keeps the original bytes and headers; the inbox records each input once. */
  verifyStore(
    rows: StoredDeadLetter[] | string,
    inbox: Array<{ position: string; result: string }>,
    processed: Map<string, string>,
  ): void {
    const inboxAt = new Map<string, string[]>();
    for (const r of inbox) inboxAt.set(r.position, [...(inboxAt.get(r.position) ?? []), r.result]);
    if (typeof rows === 'string') this.problem(rows);
    const stored =
      typeof rows === 'string'
        ? new Map<string, StoredDeadLetter>()
        : new Map(rows.map((r) => [r.position, r]));
    for (const { sent, index } of this.hostileSent()) {
      const h = this.hostile[index] as HostileInput;
      const position = positionOf(sent);
      const what = `${h.category} "${h.label}" at ${position}`;
      if (h.expect === 'processed') {
        const result = h.eventId === undefined ? undefined : processed.get(h.eventId);
        if (result === 'processed') this.processedSeen += 1;
        else
          this.problem(
            `${what} is valid but its inbox result is ${result ?? 'missing'}`,
            'valid not processed',
          );
        continue;
      }
      const results = inboxAt.get(position) ?? [];
      if (results.length !== 1 || results[0] !== 'dead_lettered')
        this.problem(
          `${what}: inbox rows at its position: [${results.join(', ')}], want [dead_lettered]`,
          'inbox row',
        );
      if (typeof rows === 'string') continue;
      const row = stored.get(position);
      const record = [...(this.records.get(position)?.values() ?? [])][0];
      if (!row) {
        this.problem(`${what} is not in the dead-letter store`, 'not stored');
        continue;
      }
      if (!row.payload.equals(sent.value ?? Buffer.alloc(0)) || row.payloadNull !== (sent.value === null))
        this.problem(`${what}: the store's bytes differ from the original`, 'store bytes');
      if (record?.deadLetterId !== undefined && record.deadLetterId !== row.id)
        this.problem(
          `${what}: the record's deadLetterId ${record.deadLetterId} is not the store's ${row.id}`,
          'deadLetterId',
        );
      const want = headerList(sent.headers);
      const got = row.headers.map((x) => ({
        name: x.nameBase64 === undefined ? x.name : Buffer.from(x.nameBase64, 'base64').toString('utf8'),
        base64: x.base64,
      }));
      if (JSON.stringify(sortByName(got)) !== JSON.stringify(sortByName(want)))
        this.problem(
          `${what}: the store's headers differ from the original (${got.length} vs ${want.length})`,
          'store headers',
        );
    }
    for (const s of this.sent) {
      if (!('good' in s.ref)) continue;
      const results = inboxAt.get(positionOf(s)) ?? [];
      if (results.length !== 1 || results[0] === 'dead_lettered')
        this.problem(
          `good order ${s.ref.good}'s input at ${positionOf(s)}: inbox [${results.join(', ')}]`,
          'good inbox',
        );
    }
  }

  counts() {
    const hostileByCategory: Record<string, number> = {};
    const deadLetterKinds: Record<string, number> = {};
    let deadLetterExpected = 0;
    let deadLettered = 0;
    let processedExpected = 0;
    let truncatedRecords = 0;
    for (const { sent, index } of this.hostileSent()) {
      const h = this.hostile[index] as HostileInput;
      hostileByCategory[h.category] = (hostileByCategory[h.category] ?? 0) + 1;
      if (h.expect === 'processed') processedExpected += 1;
      else deadLetterExpected += 1;
      const record = [...(this.records.get(positionOf(sent))?.values() ?? [])][0];
      if (!record || h.expect !== 'dead_letter') continue;
      deadLettered += 1;
      deadLetterKinds[record.error.kind] = (deadLetterKinds[record.error.kind] ?? 0) + 1;
      if (record.truncated) truncatedRecords += 1;
    }
    return {
      hostileByCategory,
      deadLetterExpected,
      deadLettered,
      processedExpected,
      processed: this.processedSeen,
      goodOrders: this.good.length,
      outcomesReached: this.cancelled.size,
      deadLetterKinds,
      truncatedRecords,
    };
  }

  named(): Array<{
    name: string;
    label: string;
    deadLettered: boolean;
    neighbour: string;
    cancelled: boolean;
  }> {
    const named = this.hostileSent().flatMap(({ sent, index }) => {
      const h = this.hostile[index] as HostileInput & { name?: string };
      if (!h.name) return [];
      const neighbour = this.good[this.neighbour[index] as number] as string;
      return [
        {
          name: h.name,
          label: h.label,
          deadLettered: this.records.get(positionOf(sent))?.size === 1,
          neighbour,
          cancelled: this.cancelled.has(neighbour),
        },
      ];
    });
    return named.sort((a, b) => a.name.localeCompare(b.name));
  }

  private hostileSent(): Array<{ sent: SentInput; index: number }> {
    return this.sent.flatMap((s) => ('hostile' in s.ref ? [{ sent: s, index: s.ref.hostile }] : []));
  }

  private index(dlq: Array<{ id: string; data: DeadLetterData }>, outputs: Collected[]): void {
    const records = new Map<string, Map<string, DeadLetterData>>();
    for (const { id, data } of dlq) {
      const position = positionOf(data.source);
      // Re-sends of one event (same id) count once.
      records.set(position, (records.get(position) ?? new Map()).set(id, data));
    }
    this.records = records;
    this.cancelled = new Set(
      outputs
        .filter((o) => o.event.type === EventTypes.shipmentCancelled)
        .map((o) => (o.event.data as { orderId: string }).orderId),
    );
  }

  // The record carries the original bytes unless it had to leave them out; its digest and size always.
  private checkRecord(what: string, sent: SentInput, record: DeadLetterData): void {
    const original = sent.value ?? Buffer.alloc(0);
    const { base64, sha256: digest, bytes } = record.payload;
    if (base64 !== null && base64 !== original.toString('base64'))
      this.problem(`${what}: the record's payload.base64 is not the original bytes`, 'record bytes');
    if (base64 === null && record.truncated !== true)
      this.problem(`${what}: the record has no bytes but does not say it was truncated`, 'record truncated');
    if (digest !== undefined && digest !== sha256(original))
      this.problem(`${what}: the record's sha256 is not the original's`, 'record sha256');
    if (bytes !== undefined && bytes !== original.length)
      this.problem(
        `${what}: the record says ${bytes} bytes, the original has ${original.length}`,
        'record size',
      );
    if (typeof record.deadLetterId !== 'string')
      this.problem(`${what}: the record has no deadLetterId`, 'record deadLetterId');
    if (!record.truncated) {
      const key = sent.key === null ? null : keyText(sent.key);
      if (record.source.key !== key)
        this.problem(
          `${what}: the record's key ${JSON.stringify(record.source.key)?.slice(0, 80)} is not the original`,
          'record key',
        );
    }
  }
}

function headerList(headers: Headers): Array<{ name: string; base64: string | null }> {
  return Object.entries(headers).flatMap(([name, v]) =>
    (Array.isArray(v) ? v : [v]).map((b) => ({ name, base64: b.toString('base64') })),
  );
}

// By name, keeping the order of a repeated name's values.
function sortByName<T extends { name: string }>(list: T[]): T[] {
  return list
    .map((x, i) => ({ x, i }))
    .sort((a, b) => (a.x.name < b.x.name ? -1 : a.x.name > b.x.name ? 1 : a.i - b.i))
    .map((p) => p.x);
}
