import { storedHeaders } from '../../store/dead-letter-bytes';
import type { DeadLetterRow } from '../../store/dead-letter.store';
import { deadLetterView } from './dead-letter-views';
import {
  type BulkRedriveBody,
  type DeadLetterListQuery,
  bulkRedriveBodySchema,
  deadLetterListQuerySchema,
  redriveBodySchema,
} from './dead-letters.schemas';
import { filterOf } from './dead-letters.service';
import { AdminError } from '../http/admin-error';
import { SchemaPipe } from '../http/schema.pipe';

const poison = Buffer.concat([
  Buffer.from('{"orderId":"'),
  Buffer.from([0x00, 0xff, 0xc3, 0x28]),
  Buffer.from('"'),
]);

function row(overrides: Partial<DeadLetterRow> = {}): DeadLetterRow {
  return {
    id: '0978fb05-44b2-4fa4-973f-8541ee8bc3d6',
    consumerGroup: 'g',
    topic: 'in',
    partition: 1,
    offset: '9007199254740993',
    key: Buffer.from('order-1'),
    payload: poison,
    payloadSize: poison.length,
    payloadComplete: true,
    headers: storedHeaders({ bin: Buffer.from([0x00, 0xfe]), trace: 'abc' }),
    error: { kind: 'not_json', message: 'not JSON', issues: [] },
    eventType: null,
    orderId: null,
    deadLetteredAt: new Date('2030-01-02T03:04:05.678Z'),
    redriveCount: 0,
    lastRedrivenAt: null,
    lastRedrivenBy: null,
    ...overrides,
  };
}

const rejects = (run: () => unknown): AdminError => {
  try {
    run();
  } catch (error) {
    return error as AdminError;
  }
  throw new Error('expected a validation error');
};

describe('a dead letter as the API shows it', () => {
  it('keeps the exact bytes in base64 and shows a text without NUL', () => {
    const view = deadLetterView(row());
    expect(Buffer.from(view.payload.base64 as string, 'base64').equals(poison)).toBe(true);
    expect(view.payload).toMatchObject({ size: poison.length, null: false, textTruncated: false });
    expect(view.payload.text).not.toContain('\u0000');
    expect(view.payload.text.startsWith('{"orderId":"\uFFFD')).toBe(true);
    expect(view.key).toEqual({ base64: Buffer.from('order-1').toString('base64'), utf8: 'order-1' });
    expect(view.headers).toEqual([
      { name: 'bin', nameBase64: null, base64: Buffer.from([0x00, 0xfe]).toString('base64'), utf8: null },
      { name: 'trace', nameBase64: null, base64: Buffer.from('abc').toString('base64'), utf8: 'abc' },
    ]);
    expect(view.source).toEqual({ topic: 'in', partition: 1, offset: '9007199254740993' });
    expect(view.deadLetteredAt).toBe('2030-01-02T03:04:05.678Z');
    expect(JSON.stringify(view)).not.toContain('\\u0000');
  });

  it('says when a list read only the start of a big payload, and when there was no value at all', () => {
    const partial = deadLetterView(
      row({ payload: Buffer.from('abc'), payloadSize: 100_000, payloadComplete: false }),
    );
    expect(partial.payload).toMatchObject({ size: 100_000, base64: null, text: 'abc', textTruncated: true });
    const tombstone = deadLetterView(row({ payload: null, payloadSize: 0, key: null }));
    expect(tombstone.payload).toMatchObject({ null: true, base64: '', text: '', size: 0 });
    expect(tombstone.key).toBeNull();
  });
});

describe('dead-letter requests', () => {
  const listQuery = new SchemaPipe<DeadLetterListQuery>(deadLetterListQuerySchema, 'query');
  const bulk = new SchemaPipe<BulkRedriveBody>(bulkRedriveBodySchema, 'body');
  const one = new SchemaPipe(redriveBodySchema, 'body');

  it('read the list filters from the query string, with defaults', () => {
    expect(listQuery.transform({ redriven: 'false', limit: '5', since: '2030-01-01T00:00:00Z' })).toEqual({
      redriven: false,
      limit: 5,
      since: '2030-01-01T00:00:00Z',
    });
    expect(listQuery.transform({})).toEqual({ limit: 50 });
    expect(filterOf({ topic: 't', since: '2030-01-01T00:00:00Z', redriven: true })).toEqual({
      topic: 't',
      since: new Date('2030-01-01T00:00:00Z'),
      redriven: true,
    });
  });

  it('refuse control characters, bad times and unknown fields', () => {
    expect(rejects(() => listQuery.transform({ orderId: 'o\u0000' })).extras.details).toEqual([
      expect.objectContaining({ path: '/orderId' }),
    ]);
    expect(rejects(() => listQuery.transform({ since: 'yesterday' })).extras.details).toEqual([
      expect.objectContaining({ path: '/since' }),
    ]);
    expect(rejects(() => listQuery.transform({ state: 'failed' })).status).toBe(422);
  });

  it('need a reason for a redrive; force and dryRun default to false, the bulk limit to 1,000 at most', () => {
    expect(one.transform({ reason: 'fixed in 1.4.2' })).toEqual({ reason: 'fixed in 1.4.2', force: false });
    expect(rejects(() => one.transform({})).extras.details).toEqual([
      expect.objectContaining({ path: '/reason', message: 'is required' }),
    ]);
    expect(bulk.transform({ reason: 'r', topic: 't' })).toEqual({
      reason: 'r',
      topic: 't',
      force: false,
      dryRun: false,
      limit: 1_000,
    });
    expect(rejects(() => bulk.transform({ reason: 'r', limit: 1_001 })).extras.details).toEqual([
      expect.objectContaining({ path: '/limit' }),
    ]);
    expect(rejects(() => bulk.transform({ reason: 'r', cursor: 'x' })).status).toBe(422);
  });
});
