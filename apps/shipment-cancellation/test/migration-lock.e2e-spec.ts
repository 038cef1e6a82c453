// Two migrators at once on an empty database (two replicas starting together, or one and `npm run migrate`):
// the migration advisory lock lets one run every migration while the other waits, then finds nothing to do.
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrations } from '../src/store/data-source';
import { MIGRATION_LOCK_ID } from '../src/store/advisory-locks';
import { runMigrationsLocked } from '../src/store/migration-lock';
import { recreateDatabase } from './support/database';

const DATABASE = 'oms_migrate_lock_test';

async function dropDatabase(url: string): Promise<void> {
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function waitersOnLock(client: Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((classid::bigint << 32) | objid::bigint) = $1`,
    [MIGRATION_LOCK_ID],
  );
  return rows[0]?.n ?? 0;
}

describe('migration lock', () => {
  let url: string;
  let sources: DataSource[] = [];
  let holder: Client | undefined;

  beforeAll(async () => {
    url = await recreateDatabase(DATABASE);
  });
  afterAll(async () => {
    await holder?.end();
    await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
    await dropDatabase(url);
  });

  it('lets one of two concurrent migrators apply each migration once; the other waits and applies none', async () => {
    sources = await Promise.all([
      createDataSource(url, { poolSize: 2 }).initialize(),
      createDataSource(url, { poolSize: 2 }).initialize(),
    ]);
    // A third session holds the lock first, so that both runs are surely waiting at the same time.
    holder = new Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);

    const waited = [false, false];
    const finished: number[] = [];
    const runs = sources.map((source, i) =>
      runMigrationsLocked(source, { onWait: () => (waited[i] = true) }).then((applied) => {
        finished.push(i);
        return applied.map((m) => m.name);
      }),
    );
    const deadline = Date.now() + 10_000;
    while ((await waitersOnLock(holder)) < 2) {
      if (Date.now() > deadline) throw new Error('the two migrators never both waited for the lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(waited).toEqual([true, true]);
    await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);

    const [first, second] = await Promise.all(runs);
    const [one, other] = sources as [DataSource, DataSource];
    const names = migrations.map((m) => new m().name as string);
    // Exactly one of them applied everything, in order; the other applied nothing.
    expect([first, second].sort((a, b) => b.length - a.length)).toEqual([names, []]);
    expect(finished).toHaveLength(2);

    const rows: Array<{ name: string; n: number }> = await one.query(
      `SELECT name, count(*)::int AS n FROM migrations GROUP BY name ORDER BY name`,
    );
    expect(rows).toEqual([...names].sort().map((name) => ({ name, n: 1 })));
    // The lock is free again: a later run gets it at once and finds the schema up to date.
    let waitedAgain = false;
    expect(await runMigrationsLocked(other, { onWait: () => (waitedAgain = true) })).toEqual([]);
    expect(waitedAgain).toBe(false);
  });
});
