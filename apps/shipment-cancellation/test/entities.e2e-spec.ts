// The entities are the schema's description in code: every table the migrations create has one, and each says
// exactly what its table is (column names, types with their length or precision, nullability, primary key,
// generated ids). The migrations are the truth; an entity that drifts from them fails here.
import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { createDataSource } from '../src/store/data-source';
import { dropDatabase, recreateDatabase } from './support/database';

const DATABASE = 'oms_entities_test';

/** Types the driver leaves as written, by the name information_schema gives them. */
const TYPE_ALIASES: Record<string, string> = { char: 'character', int8: 'bigint', bool: 'boolean' };

interface ColumnShape {
  name: string;
  type: string;
  nullable: boolean;
  length: number | null;
  precision: number | null;
  scale: number | null;
  generated: boolean;
}

interface TableShape {
  table: string;
  columns: ColumnShape[];
  primaryKey: string[];
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function entityShape(dataSource: DataSource, entity: EntityMetadata): TableShape {
  const shape = (column: ColumnMetadata): ColumnShape => {
    const type = dataSource.driver.normalizeType(column);
    return {
      name: column.databaseName,
      type: TYPE_ALIASES[type] ?? type,
      nullable: column.isNullable,
      length: column.length === '' ? null : Number(column.length),
      precision: column.precision ?? null,
      scale: column.scale ?? null,
      generated: column.isGenerated,
    };
  };
  return {
    table: entity.tableName,
    columns: entity.columns.map(shape).sort(byName),
    primaryKey: entity.primaryColumns.map((c) => c.databaseName).sort(),
  };
}

async function tableShape(dataSource: DataSource, table: string): Promise<TableShape> {
  const columns: Array<{
    name: string;
    type: string;
    nullable: boolean;
    length: number | null;
    precision: number | null;
    scale: number | null;
    generated: boolean;
  }> = await dataSource.query(
    `SELECT column_name AS name, data_type AS type, is_nullable = 'YES' AS nullable,
            character_maximum_length AS length,
            CASE WHEN data_type = 'numeric' THEN numeric_precision END AS precision,
            CASE WHEN data_type = 'numeric' THEN numeric_scale END AS scale,
            coalesce(column_default LIKE 'nextval(%', false) AS generated
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  const primaryKey: Array<{ name: string }> = await dataSource.query(
    `SELECT a.attname AS name
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [`public.${table}`],
  );
  return {
    table,
    columns: columns.sort(byName),
    primaryKey: primaryKey.map((c) => c.name).sort(),
  };
}

describe('entities', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    const url = await recreateDatabase(DATABASE);
    dataSource = await createDataSource(url, { poolSize: 1 }).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(DATABASE);
  });

  it('cover every table the migrations create, one entity each', async () => {
    const tables: Array<{ name: string }> = await dataSource.query(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
        ORDER BY 1`,
    );
    const entityTables = dataSource.entityMetadatas.map((e) => e.tableName).sort();
    expect(entityTables).toEqual(tables.map((t) => t.name));
    // The schema has grown past the first release's nine tables; an empty list would prove nothing.
    expect(entityTables.length).toBeGreaterThanOrEqual(10);
  });

  it('mirror their tables column for column', async () => {
    const entities = dataSource.entityMetadatas
      .map((entity) => entityShape(dataSource, entity))
      .sort((a, b) => (a.table < b.table ? -1 : 1));
    const tables: TableShape[] = [];
    for (const { table } of entities) tables.push(await tableShape(dataSource, table));
    // One comparison of everything, so a failure shows every drifted column at once, under its table.
    expect(entities).toEqual(tables);
  });
});
