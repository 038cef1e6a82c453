import { createHash } from 'node:crypto';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

interface PgClient {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

const statementNames = new Map<string, string>();

/**
 * Runs a statement of the hot path as a named prepared statement, and gives back its rows (RETURNING rows
 * for an UPDATE). Postgres then parses and plans it once per connection instead of at every call; for our
 * batch statements planning cost as much as executing. The name is derived from the text, so every
 * distinct text gets its own statement. Inside a transaction, pass its EntityManager.
 */
export async function preparedQuery<T>(
  db: DataSource | EntityManager,
  text: string,
  values: unknown[],
): Promise<T[]> {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `oms_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  const runner: QueryRunner | undefined = db instanceof DataSource ? undefined : db.queryRunner;
  if (runner) return (await pgClient(runner)).query<T>({ name, text, values }).then((r) => r.rows);
  const own = (db instanceof DataSource ? db : db.connection).createQueryRunner();
  try {
    return (await (await pgClient(own)).query<T>({ name, text, values })).rows;
  } finally {
    await own.release();
  }
}

// QueryRunner.connect() is public API: it returns the driver's connection, for Postgres the pg client the
// runner holds (the same one while connected, so a transaction's statements stay on it). Its type is `any`.
function pgClient(runner: QueryRunner): Promise<PgClient> {
  return runner.connect() as Promise<PgClient>;
}
