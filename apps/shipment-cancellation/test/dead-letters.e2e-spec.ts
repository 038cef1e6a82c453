// Dead letters end to end, on the real broker and database: a poison input (raw NUL, invalid UTF-8, a binary
// header, no key) kept byte for byte, listed and read through the admin API, and redriven to its topic — read
// back with a plain kafkajs consumer and compared byte for byte — audited and idempotent, one at a time and in bulk.
import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Producer } from 'kafkajs';
import { createEvent, EventTypes } from '@oms/events';
import { AdminApiClient, type ApiAnswer, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import type { DeadLetterView } from '../src/admin/dead-letters/dead-letter-views';
import type { BulkRedriveAnswer, RedriveAnswer } from '../src/admin/dead-letters/dead-letters.service';
import { DeadLetterStore } from '../src/store/dead-letter.store';
import type { InboundMessage } from '../src/platform/kafka/inbound-message';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import { waitFor } from './support/ports';

type Page = { items: DeadLetterView[]; nextCursor: string | null };
interface Copy {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

const poisonBytes = (tag: string): Buffer =>
  Buffer.concat([
    Buffer.from(`{"orderId":"${tag}`),
    Buffer.from([0x00]),
    Buffer.from('", '),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
    Buffer.from(' not json'),
  ]);
const binaryHeader = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x80]);
const poisonHeaders = (): IHeaders => ({
  'x-binary': binaryHeader,
  'x-trace': Buffer.from('trace-1'),
  'x-repeat': [Buffer.from('one'), Buffer.from([0x00, 0xc0])],
});

describe('admin API: dead letters', () => {
  const operator = testKey('ops-dora', 'operator');
  const viewer = testKey('view-dan', 'viewer');
  // Dead letters recorded here directly use a group of their own, so they never meet the service's records.
  const group = `e2e-dead-letters-${randomUUID().slice(0, 8)}`;
  let stack: E2eStack;
  let api: AdminApiClient;
  let store: DeadLetterStore;
  let producer: Producer;
  let reader: Consumer;
  const copies: Copy[] = [];
  const topic = () => stack.config.topics.orderCancelled;

  beforeAll(async () => {
    stack = await startE2eStack({
      env: { ADMIN_API_KEYS: apiKeysEnv([operator, viewer]), ADMIN_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    api = new AdminApiClient(stack.service.url, operator);
    store = stack.service.app.get(DeadLetterStore);
    producer = stack.kafka.kafka.producer();
    await producer.connect();
    // Reads the input topic as any consumer would: the original messages and every redriven copy.
    reader = stack.kafka.kafka.consumer({ groupId: `dead-letter-reader-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topics: [topic()], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        copies.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
      },
    });
  });

  afterAll(async () => {
    await reader?.disconnect();
    await producer?.disconnect();
    await stack?.stop();
  });

  const copiesOf = (value: Buffer): Copy[] => copies.filter((c) => c.value?.equals(value));

  async function publish(value: Buffer, headers: IHeaders = poisonHeaders()): Promise<InboundMessage> {
    const [meta] = await producer.send({
      topic: topic(),
      acks: -1,
      messages: [{ key: null, value, headers }],
    });
    return {
      topic: topic(),
      partition: meta?.partition ?? -1,
      offset: meta?.baseOffset ?? '-1',
      key: null,
      value,
      headers: headers as InboundMessage['headers'],
      timestamp: String(Date.now()),
    };
  }

  // Strictly increasing times, so "oldest first" is the order of recording.
  let lastAt = 0;
  function record(message: InboundMessage, kind = 'not_json'): Promise<string> {
    lastAt = Math.max(Date.now(), lastAt + 1);
    const at = new Date(lastAt);
    return stack.db.transaction((manager) =>
      store.record(manager, {
        consumerGroup: group,
        message,
        reason: {
          kind,
          message: 'not JSON: \u0000 at byte 14',
          issues: [{ path: '/\u0000', message: 'bad' }],
        },
        eventType: null,
        orderId: null,
        at,
      }),
    );
  }

  async function auditOf(answer: ApiAnswer): Promise<Array<Record<string, unknown>>> {
    return stack.db.query(
      `SELECT actor, role, action, reason, idempotency_key AS "idempotencyKey", target_type AS "targetType",
              target_id AS "targetId", response_status AS "responseStatus", result
         FROM audit_log WHERE request_id = $1`,
      [answer.headers.get('x-request-id')],
    );
  }

  const expectSameMessage = (copy: Copy | undefined, original: InboundMessage) => {
    expect(copy?.key).toBeNull();
    expect(copy?.value?.equals(original.value as Buffer)).toBe(true);
    expect(copy?.headers).toEqual(original.headers);
  };

  it('keeps a poison message byte for byte, once per position, and shows it to viewers', async () => {
    const value = poisonBytes('keep');
    const message = await publish(value);
    const id = await record(message);
    expect(await record(message)).toBe(id);
    const [stored]: Array<{ payload: Buffer; n: number }> = await stack.db.query(
      `SELECT payload, (SELECT count(*)::int FROM dead_letter WHERE consumer_group = $2) AS n FROM dead_letter WHERE id = $1`,
      [id, group],
    );
    expect(stored?.payload.equals(value)).toBe(true);
    expect(stored?.n).toBe(1);

    const page = await api
      .as(viewer)
      .get<Page>(`/admin/v1/dead-letters?topic=${encodeURIComponent(topic())}&limit=200`);
    expect(page.status).toBe(200);
    const item = page.body.items.find((i) => i.id === id);
    expect(item).toBeDefined();
    expect(Buffer.from(item?.payload.base64 as string, 'base64').equals(value)).toBe(true);
    expect(item?.payload).toMatchObject({ size: value.length, null: false, textTruncated: false });
    expect(item?.payload.text).not.toContain('\u0000');
    expect(item?.key).toBeNull();
    expect(item?.source).toEqual({ topic: topic(), partition: message.partition, offset: message.offset });
    expect(item?.headers.map((h) => [h.name, Buffer.from(h.base64 as string, 'base64')])).toEqual([
      ['x-binary', binaryHeader],
      ['x-trace', Buffer.from('trace-1')],
      ['x-repeat', Buffer.from('one')],
      ['x-repeat', Buffer.from([0x00, 0xc0])],
    ]);
    expect(item?.error).toEqual({
      kind: 'not_json',
      message: 'not JSON: \uFFFD at byte 14',
      issues: [{ path: '/\uFFFD', message: 'bad' }],
    });
    expect(item).toMatchObject({
      consumerGroup: group,
      redriveCount: 0,
      lastRedrivenAt: null,
      lastRedrivenBy: null,
    });

    const one = await api.as(viewer).get<DeadLetterView>(adminPath`/dead-letters/${id}`);
    expect(one.body).toEqual(item);
    expect((await api.as(viewer).get(adminPath`/dead-letters/${randomUUID()}`)).status).toBe(404);
    expect((await api.as(viewer).get('/admin/v1/dead-letters?cursor=nope')).status).toBe(422);
    expect((await api.get('/admin/v1/dead-letters', { key: null })).status).toBe(401);
  });

  it('redrives the original bytes, key and headers to where they came from: once, again only when forced', async () => {
    const value = poisonBytes('redrive');
    const message = await publish(value);
    const id = await record(message);
    await waitFor('the reader to see the original', () => (copiesOf(value).length === 1 ? true : undefined));

    const refused = await api
      .as(viewer)
      .post(adminPath`/dead-letters/${id}/redrive`, { body: { reason: 'viewer' } });
    expect(refused.status).toBe(403);

    const key = randomUUID();
    const first = await api.post<RedriveAnswer>(adminPath`/dead-letters/${id}/redrive`, {
      body: { reason: 'parser fixed in 1.4.2' },
      idempotencyKey: key,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      deadLetterId: id,
      alreadyRedriven: false,
      forced: false,
      published: {
        topic: topic(),
        partition: message.partition,
        key: null,
        payloadSize: value.length,
        headerCount: 4,
      },
      redriveCount: 1,
      lastRedrivenBy: operator.id,
    });
    // Answered after the broker acknowledged: the copy is there to read.
    const [, copy] = await waitFor('the redriven copy', () => {
      const found = copiesOf(value);
      return found.length === 2 ? found : undefined;
    });
    expect(copy).toMatchObject({ partition: message.partition, offset: first.body.published?.offset });
    expectSameMessage(copy, message);

    const replay = await api.post(adminPath`/dead-letters/${id}/redrive`, {
      body: { reason: 'parser fixed in 1.4.2' },
      idempotencyKey: key,
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(first.text);

    const second = await api.post<RedriveAnswer>(adminPath`/dead-letters/${id}/redrive`, {
      body: { reason: 'once more' },
    });
    expect(second.body).toMatchObject({ alreadyRedriven: true, published: null, redriveCount: 1 });

    const forced = await api.post<RedriveAnswer>(adminPath`/dead-letters/${id}/redrive`, {
      body: { reason: 'the first copy hit the old consumer', force: true },
    });
    expect(forced.body).toMatchObject({ alreadyRedriven: false, forced: true, redriveCount: 2 });
    // All copies go to one partition, in order: had the unforced call sent one, it would sit between these two.
    const all = await waitFor('the forced copy', () => {
      const found = copiesOf(value);
      return found.length >= 3 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(copiesOf(value).map((c) => c.offset)).toEqual([
      message.offset,
      first.body.published?.offset,
      forced.body.published?.offset,
    ]);
    expectSameMessage(all[2], message);

    expect(await auditOf(first)).toEqual([
      expect.objectContaining({
        actor: operator.id,
        role: 'operator',
        action: 'redrive_dead_letter',
        reason: 'parser fixed in 1.4.2',
        idempotencyKey: key,
        targetType: 'dead_letter',
        targetId: id,
        responseStatus: 200,
        result: first.body,
      }),
    ]);
    expect(await auditOf(replay)).toEqual([]);
    expect(await auditOf(second)).toEqual([expect.objectContaining({ result: second.body })]);
    expect(await auditOf(refused)).toEqual([]);

    const after = await api.as(viewer).get<DeadLetterView>(adminPath`/dead-letters/${id}`);
    expect(after.body).toMatchObject({ redriveCount: 2, lastRedrivenBy: operator.id });
    const redriven = (flag: boolean) =>
      api
        .as(viewer)
        .get<Page>(`/admin/v1/dead-letters?topic=${encodeURIComponent(topic())}&redriven=${flag}&limit=200`)
        .then((p) => p.body.items.map((i) => i.id));
    expect(await redriven(true)).toContain(id);
    expect(await redriven(false)).not.toContain(id);
  });

  it('redrives in bulk by filter: a dry run counts, a limit caps, redriven ones are skipped unless forced', async () => {
    const kind = `e2e_bulk_${randomUUID().slice(0, 8)}`;
    const values = [0, 1, 2].map((i) => poisonBytes(`bulk-${kind}-${i}`));
    const ids: string[] = [];
    for (const value of values) ids.push(await record(await publish(value), kind));
    await waitFor('the reader to see the originals', () =>
      values.every((v) => copiesOf(v).length === 1) ? true : undefined,
    );

    // A page at a time, each exactly once.
    const first = await api.as(viewer).get<Page>(`/admin/v1/dead-letters?errorKind=${kind}&limit=2`);
    expect(first.body.items.map((i) => i.id)).toEqual(ids.slice(0, 2));
    const rest = await api
      .as(viewer)
      .get<Page>(`/admin/v1/dead-letters?errorKind=${kind}&limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body).toMatchObject({ nextCursor: null });
    expect(rest.body.items.map((i) => i.id)).toEqual(ids.slice(2));

    const bulk = (body: Record<string, unknown>) =>
      api.post<BulkRedriveAnswer>('/admin/v1/dead-letters/redrive', {
        body: { reason: 'bulk after fix', ...body },
      });
    expect(
      (await api.as(viewer).post('/admin/v1/dead-letters/redrive', { body: { reason: 'x' } })).status,
    ).toBe(403);
    expect((await bulk({ errorKind: kind, limit: 1_001 })).status).toBe(422);

    const dry = await bulk({ errorKind: kind, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      matched: 3,
      alreadyRedriven: 0,
      count: 3,
      more: false,
      redriven: [],
    });
    const [untouched]: Array<{ n: number }> = await stack.db.query(
      `SELECT count(*)::int AS n FROM dead_letter WHERE error_kind = $1 AND redrive_count = 0`,
      [kind],
    );
    expect(untouched?.n).toBe(3);

    const capped = await bulk({ errorKind: kind, limit: 2 });
    expect(capped.body).toMatchObject({ dryRun: false, matched: 3, count: 2, more: true, failure: null });
    expect(capped.body.redriven.map((r) => r.deadLetterId).sort()).toEqual(ids.slice(0, 2).sort());
    const remaining = await bulk({ errorKind: kind });
    expect(remaining.body).toMatchObject({ matched: 3, alreadyRedriven: 2, count: 1, more: false });
    expect(remaining.body.redriven.map((r) => r.deadLetterId)).toEqual([ids[2]]);
    expect((await bulk({ errorKind: kind })).body).toMatchObject({
      alreadyRedriven: 3,
      count: 0,
      redriven: [],
    });
    expect((await bulk({ errorKind: kind, dryRun: true, force: true })).body).toMatchObject({ count: 3 });

    for (const [i, value] of values.entries()) {
      const [, copy] = await waitFor(`the redriven copy ${i}`, () => {
        const found = copiesOf(value);
        return found.length === 2 ? found : undefined;
      });
      const sent = [...capped.body.redriven, ...remaining.body.redriven].find(
        (r) => r.deadLetterId === ids[i],
      );
      expect(copy).toMatchObject({ partition: sent?.partition, offset: sent?.offset, key: null });
      expect(copy?.headers).toEqual(poisonHeaders());
    }
    expect(await auditOf(capped)).toEqual([
      expect.objectContaining({
        action: 'redrive_dead_letters',
        targetType: 'dead_letters',
        targetId: JSON.stringify({ errorKind: kind }),
        responseStatus: 200,
      }),
    ]);
  });

  it('applies a redriven event the database had refused: its inbox entry no longer drops the copy', async () => {
    const orderId = `dl-refused-${randomUUID().slice(0, 8)}`;
    const event = createEvent(
      EventTypes.orderCancelled,
      { schemaVersion: 1, orderId, cancelledAt: new Date().toISOString() },
      { source: '/oms/test-platform' },
    );
    // As the ingest leaves a message the database refused: recorded in the inbox by its event id as
    // dead-lettered, and kept whole. Never published: no consumer read that position.
    const message: InboundMessage = {
      topic: topic(),
      partition: 0,
      offset: '1000000',
      key: Buffer.from(orderId),
      value: Buffer.from(JSON.stringify(event)),
      headers: {},
      timestamp: String(Date.now()),
    };
    await stack.db.query(
      `INSERT INTO inbox_message (message_id, event_type, topic, partition, "offset", order_id, result, received_at)
       VALUES ($1, $2, $3, 0, 1000000, $4, 'dead_lettered', now())`,
      [event.id, event.type, topic(), orderId],
    );
    const id = await record(message, 'store_rejected');
    const answer = await api.post<RedriveAnswer>(adminPath`/dead-letters/${id}/redrive`, {
      body: { reason: 'the refusing constraint was fixed' },
    });
    expect(answer.body).toMatchObject({ alreadyRedriven: false, published: { partition: 0 } });
    const applied = await waitFor('the copy to be applied', async () => {
      const [row]: Array<{ result: string; offset: string }> = await stack.db.query(
        `SELECT result, "offset"::text AS "offset" FROM inbox_message WHERE message_id = $1`,
        [event.id],
      );
      return row?.result === 'processed' ? row : undefined;
    });
    expect(applied.offset).toBe(answer.body.published?.offset);
    const requests: unknown[] = await stack.db.query(
      `SELECT 1 FROM cancellation_request WHERE order_id = $1`,
      [orderId],
    );
    expect(requests).toHaveLength(1);
  });

  // The service's own ingest path (InboxService dead-letters through DeadLetterStore), not a direct record.
  it('INGEST: the service records a poison message it consumed, with its exact bytes', async () => {
    const value = poisonBytes('ingest');
    const message = await publish(value);
    const item = await waitFor('the service to record the poison message', async () => {
      const page = await api
        .as(viewer)
        .get<Page>(`/admin/v1/dead-letters?topic=${encodeURIComponent(topic())}&limit=200`);
      return page.body.items.find(
        (i) =>
          i.consumerGroup === stack.config.kafka.groupId &&
          i.source.partition === message.partition &&
          i.source.offset === message.offset,
      );
    });
    expect(Buffer.from(item.payload.base64 as string, 'base64').equals(value)).toBe(true);
    expect(item.error.kind).toBe('not_json');
    expect(item.key).toBeNull();
    expect(item.headers.map((h) => h.name)).toEqual(['x-binary', 'x-trace', 'x-repeat', 'x-repeat']);
    expect(Buffer.from(item.headers[0]?.base64 as string, 'base64').equals(binaryHeader)).toBe(true);
  });
});
