import { Table, col } from './table';

interface Row {
  id: string;
  offset: number;
  note: string | null;
}
const T = new Table<Row>('t', {
  id: col('id', 'uuid'),
  offset: col('offset', 'bigint'),
  note: col('note', 'text'),
});

describe('Table', () => {
  it('selects columns as the fields of a typed row, quoting reserved names', () => {
    expect(T.select('x')).toBe('x.id AS "id", x."offset" AS "offset", x.note AS "note"');
    expect(T.select('x', ['note'])).toBe('x.note AS "note"');
  });

  it('binds rows as one typed array per field for unnest()', () => {
    expect(T.unnest(['id', 'note'], 3)).toBe('unnest($3::uuid[], $4::text[]) AS t(id, note)');
    const rows: Row[] = [
      { id: 'a', offset: 1, note: null },
      { id: 'b', offset: 2, note: 'n' },
    ];
    expect(T.arrays(rows, ['id', 'note'])).toEqual([
      ['a', 'b'],
      [null, 'n'],
    ]);
    expect(T.names(['offset', 'id'])).toBe('"offset", id');
  });
});
