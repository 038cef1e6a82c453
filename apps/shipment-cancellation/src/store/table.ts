// Each of our tables' columns, written once: the SQL name and Postgres type of every field a statement reads
// or binds. Statements build their column lists, unnest() bindings and row aliases from these, so a typed
// object goes in and comes out and no statement spells a column list of its own.

/** One column: its name in SQL and the Postgres type its values are bound as. */
export interface ColumnSpec {
  readonly column: string;
  readonly type: string;
}

export function col(column: string, type: string): ColumnSpec {
  return { column, type };
}

export type Columns<T> = { readonly [K in keyof T]-?: ColumnSpec };

export class Table<T extends object> {
  readonly keys: readonly (keyof T & string)[];

  constructor(
    readonly name: string,
    readonly columns: Columns<T>,
  ) {
    this.keys = Object.keys(columns) as (keyof T & string)[];
  }

  /** `alias.column AS "key", …` for the given fields (all by default): rows come back as typed objects. */
  select(alias: string, keys: readonly (keyof T & string)[] = this.keys): string {
    return keys.map((key) => `${alias}.${this.quoted(key)} AS "${key}"`).join(', ');
  }

  /** The SQL names of the given fields, comma-separated, for an INSERT's column list. */
  names(keys: readonly (keyof T & string)[] = this.keys): string {
    return keys.map((key) => this.quoted(key)).join(', ');
  }

  /**
   * `unnest($first::type[], …) AS alias(column, …)`: one row per object, bound as one array per field. Pair it
   * with `arrays()` for the parameters, starting at `$first`.
   */
  unnest(keys: readonly (keyof T & string)[], first: number, alias = 't'): string {
    const arrays = keys.map((key, i) => `$${first + i}::${this.columns[key].type}[]`).join(', ');
    return `unnest(${arrays}) AS ${alias}(${this.names(keys)})`;
  }

  /** The parameters of `unnest()`: one array per field, in the order of `keys`. */
  arrays<K extends keyof T & string>(rows: readonly Pick<T, K>[], keys: readonly K[]): unknown[][] {
    return keys.map((key) => rows.map((row) => row[key]));
  }

  /** The column's SQL name, quoted where it is a keyword. */
  private quoted(key: keyof T & string): string {
    const { column } = this.columns[key];
    return RESERVED.has(column) ? `"${column}"` : column;
  }
}

// Column names of ours that Postgres reserves.
const RESERVED = new Set(['offset', 'order']);
