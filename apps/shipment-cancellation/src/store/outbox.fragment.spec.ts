import type { CloudEvent } from '@oms/events';
import { type OutboxEntry, insertOutboxRows, outboxParamCount, outboxRowParams } from './outbox.fragment';

const event = (id: string, type: string) => ({ id, type, data: { n: id } }) as unknown as CloudEvent<unknown>;
const entries: OutboxEntry[] = [
  { topic: 't1', key: 'o1', event: event('e1', 'A'), ownerId: 'c1' },
  { topic: 't2', key: 'o2', event: event('e2', 'B'), ownerId: 'c2' },
];

/** The highest $n a statement uses. */
const lastParam = (sql: string) => Math.max(...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

describe('the outbox insert', () => {
  it('binds the columns from its first parameter, the payloads last, in the events order', () => {
    const sql = insertOutboxRows(1);
    expect(sql).toContain('INSERT INTO outbox_event (event_id, topic, message_key, event_type, payload)');
    expect(sql).toContain(
      'unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e(event_id, topic, message_key, event_type, n)',
    );
    expect(sql).toContain('jsonb_array_elements($5::jsonb) WITH ORDINALITY');
    expect(sql).toContain('ORDER BY e.n');
    expect(sql).not.toContain('JOIN applied');
    expect(outboxRowParams(entries)).toEqual([
      ['e1', 'e2'],
      ['t1', 't2'],
      ['o1', 'o2'],
      ['A', 'B'],
      JSON.stringify([entries[0]?.event, entries[1]?.event]),
    ]);
    expect(outboxRowParams(entries)).toHaveLength(outboxParamCount());
    expect(lastParam(sql)).toBe(outboxParamCount());
  });

  it('only for some owners: binds the owners first and keeps the events of those in the relation', () => {
    const options = { onlyFor: 'applied' };
    const sql = insertOutboxRows(29, options);
    expect(sql).toContain('unnest($29::uuid[], $30::uuid[], $31::text[], $32::text[], $33::text[])');
    expect(sql).toContain('AS e(owner_id, event_id, topic, message_key, event_type, n)');
    expect(sql).toContain('jsonb_array_elements($34::jsonb)');
    expect(sql).toContain('JOIN applied a ON a.id = e.owner_id');
    const params = outboxRowParams(entries, options);
    expect(params[0]).toEqual(['c1', 'c2']);
    expect(params).toHaveLength(outboxParamCount(options));
    expect(lastParam(sql)).toBe(28 + outboxParamCount(options));
  });

  it('refuses an event without an owner when the insert keeps only some owners', () => {
    const orphan: OutboxEntry = { topic: 't', key: 'o', event: event('e3', 'A') };
    expect(() => outboxRowParams([orphan], { onlyFor: 'applied' })).toThrow('e3');
  });
});
