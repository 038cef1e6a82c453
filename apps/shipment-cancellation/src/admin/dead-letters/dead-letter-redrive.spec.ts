import type { EntityManager } from 'typeorm';
import { storedHeaders } from '../../store/dead-letter-bytes';
import { createEvent, EventTypes } from '@oms/events';
import { chunks, DeadLetterRedrive, inboxIdsOf, sendOrder } from './dead-letter-redrive.service';
import { type DeadLetterPublisher, type RedriveRecord, RedrivePublishError } from './dead-letter.publisher';
import type {
  DeadLetterFilter,
  DeadLetterRow,
  DeadLetterStore,
  RedriveCandidate,
} from '../../store/dead-letter.store';

const manager = {} as EntityManager;
const at = new Date('2030-01-02T03:04:05Z');

function row(id: string, partition: number, offset: string, redriveCount = 0): DeadLetterRow {
  const payload = Buffer.from([0x00, 0xff, id.charCodeAt(0)]);
  return {
    id,
    consumerGroup: 'g',
    topic: 'in',
    partition,
    offset,
    key: null,
    payload,
    payloadSize: payload.length,
    payloadComplete: true,
    headers: storedHeaders({ h: [Buffer.from([1]), Buffer.from([2])] }),
    error: { kind: 'not_json', message: 'm', issues: [] },
    eventType: null,
    orderId: null,
    deadLetteredAt: at,
    redriveCount,
    lastRedrivenAt: null,
    lastRedrivenBy: null,
  };
}

/** The store's redrive statements over an array; only what DeadLetterRedrive uses. */
function fakeStore(rows: DeadLetterRow[]) {
  const store = {
    lockOne: async (_m: EntityManager, id: string) => rows.find((r) => r.id === id) ?? null,
    count: async (_m: EntityManager, _f: DeadLetterFilter) => ({
      matched: rows.length,
      redriven: rows.filter((r) => r.redriveCount > 0).length,
    }),
    lockForRedrive: async (_m: EntityManager, _f: DeadLetterFilter, o: { force: boolean; limit: number }) =>
      rows
        .filter((r) => o.force || r.redriveCount === 0)
        .slice(0, o.limit)
        .map((r): RedriveCandidate => ({ ...r, payloadSize: r.payloadSize })),
    loadForRedrive: async (_m: EntityManager, ids: readonly string[]) =>
      ids.map((id) => rows.find((r) => r.id === id) as DeadLetterRow),
    reopened: [] as string[],
    reopenInbox: async (_m: EntityManager, ids: readonly string[]) => {
      store.reopened.push(...ids);
      return ids.length;
    },
    markRedriven: async (_m: EntityManager, ids: readonly string[], actor: string, when: Date) =>
      rows
        .filter((r) => ids.includes(r.id))
        .map((r) => {
          r.redriveCount += 1;
          r.lastRedrivenAt = when;
          r.lastRedrivenBy = actor;
          return { id: r.id, redriveCount: r.redriveCount, lastRedrivenAt: when, lastRedrivenBy: actor };
        }),
  };
  return store as unknown as DeadLetterStore & { reopened: string[] };
}

function fakePublisher(failOnCall?: number) {
  const sent: RedriveRecord[][] = [];
  const publisher = {
    sent,
    publish: async (records: RedriveRecord[]) => {
      if (sent.length + 1 === failOnCall) throw new RedrivePublishError(new Error('broker away'));
      sent.push(records);
      return records.map((r, i) => ({ topic: r.topic, partition: r.partition, offset: String(100 + i) }));
    },
  };
  return publisher as unknown as DeadLetterPublisher & { sent: RedriveRecord[][] };
}

describe('redriving one dead letter', () => {
  it('sends the original bytes, key and headers to the partition it came from, and marks it', async () => {
    const rows = [row('a', 2, '7')];
    const publisher = fakePublisher();
    const redrive = new DeadLetterRedrive(fakeStore(rows), publisher);
    const result = await redrive.one(manager, 'a', { actor: 'ops', at, force: false });
    expect(result).toMatchObject({
      kind: 'published',
      published: { deadLetterId: 'a', topic: 'in', partition: 2, offset: '100' },
      mark: { redriveCount: 1, lastRedrivenBy: 'ops' },
    });
    expect(publisher.sent).toEqual([
      [
        {
          topic: 'in',
          partition: 2,
          key: null,
          value: rows[0]?.payload,
          headers: { h: [Buffer.from([1]), Buffer.from([2])] },
        },
      ],
    ]);
  });

  it('sends a redriven one again only when forced', async () => {
    const rows = [row('a', 0, '1', 1)];
    const publisher = fakePublisher();
    const redrive = new DeadLetterRedrive(fakeStore(rows), publisher);
    expect(await redrive.one(manager, 'a', { actor: 'ops', at, force: false })).toMatchObject({
      kind: 'already_redriven',
    });
    expect(publisher.sent).toHaveLength(0);
    expect(await redrive.one(manager, 'a', { actor: 'ops', at, force: true })).toMatchObject({
      kind: 'published',
      mark: { redriveCount: 2 },
    });
    expect(publisher.sent).toHaveLength(1);
  });

  it('marks nothing when the send fails, and says when there is no such dead letter', async () => {
    const rows = [row('a', 0, '1')];
    const redrive = new DeadLetterRedrive(fakeStore(rows), fakePublisher(1));
    await expect(redrive.one(manager, 'a', { actor: 'ops', at, force: false })).rejects.toBeInstanceOf(
      RedrivePublishError,
    );
    expect(rows[0]?.redriveCount).toBe(0);
    expect(await redrive.one(manager, 'b', { actor: 'ops', at, force: false })).toEqual({
      kind: 'not_found',
    });
  });
});

describe('redriving many', () => {
  it('skips the redriven ones unless forced, sends each partition in offset order, marks what was sent', async () => {
    const rows = [row('a', 1, '10'), row('b', 0, '9'), row('c', 1, '9'), row('d', 0, '3', 1)];
    const publisher = fakePublisher();
    const redrive = new DeadLetterRedrive(fakeStore(rows), publisher);
    const done = await redrive.many(manager, {}, { actor: 'ops', at, force: false, limit: 10 });
    expect(done).toMatchObject({ matched: 4, alreadyRedriven: 1, eligible: 3, failure: null });
    expect(done.redriven.map((r) => r.deadLetterId)).toEqual(['b', 'c', 'a']);
    expect(rows.map((r) => r.redriveCount)).toEqual([1, 1, 1, 1]);
    const again = await redrive.many(manager, {}, { actor: 'ops', at, force: false, limit: 10 });
    expect(again.redriven).toEqual([]);
  });

  it('stops at a failed send, keeps what went before, and reports the rest as not sent', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => row(`r${i}`, 0, String(i)));
    const publisher = fakePublisher(2);
    const redrive = new DeadLetterRedrive(fakeStore(rows), publisher);
    const done = await redrive.many(manager, {}, { actor: 'ops', at, force: false, limit: 1_000 });
    expect(done.redriven).toHaveLength(100);
    expect(done.failure).toEqual({ notPublished: 50 });
    expect(rows.filter((r) => r.redriveCount === 1)).toHaveLength(100);
  });

  it('fails whole when the first send fails', async () => {
    const redrive = new DeadLetterRedrive(fakeStore([row('a', 0, '1')]), fakePublisher(1));
    await expect(
      redrive.many(manager, {}, { actor: 'ops', at, force: false, limit: 10 }),
    ).rejects.toBeInstanceOf(RedrivePublishError);
  });
});

describe('the inbox a redriven copy meets', () => {
  it('is reopened for the events that decode, before anything is sent', async () => {
    const event = createEvent(
      EventTypes.orderCancelled,
      { schemaVersion: 1, orderId: 'o-1', cancelledAt: '2030-01-01T00:00:00.000Z' },
      { source: '/test' },
    );
    const refused = { ...row('e', 0, '5'), payload: Buffer.from(JSON.stringify(event)) };
    expect(inboxIdsOf([refused, row('p', 0, '6')])).toEqual([event.id]);
    const store = fakeStore([refused]);
    const redrive = new DeadLetterRedrive(store, fakePublisher(1));
    await expect(redrive.one(manager, 'e', { actor: 'ops', at, force: false })).rejects.toThrow();
    // Reopened in the transaction the failed send rolls back.
    expect(store.reopened).toEqual([event.id]);
  });
});

describe('send planning', () => {
  it('cuts chunks by size and count, a big item alone', () => {
    const sizes = [10, 10, 100, 10, 10, 10];
    expect(chunks(sizes, (s) => s, 30, 2)).toEqual([[10, 10], [100], [10, 10], [10]]);
    expect(chunks([], (s: number) => s, 30, 2)).toEqual([]);
  });

  it('orders by topic, partition and offset as numbers', () => {
    const c = (topic: string, partition: number, offset: string): RedriveCandidate => ({
      id: `${topic}${partition}${offset}`,
      topic,
      partition,
      offset,
      payloadSize: 1,
    });
    const sorted = [c('b', 0, '1'), c('a', 1, '2'), c('a', 1, '10'), c('a', 0, '99999999999999999999')].sort(
      sendOrder,
    );
    expect(sorted.map((x) => x.id)).toEqual(['a099999999999999999999', 'a12', 'a110', 'b01']);
  });
});
