import type { DataSource } from 'typeorm';
import { RELAY_LOCK_ID } from './advisory-locks';
import { MARK_AND_SELECT, RelayStore } from './relay.store';

/** A data source whose one session records each statement, and answers the lock as `locked` says. */
function recordingDatabase(locked: boolean) {
  const statements: Array<{ text: string; values: unknown[] }> = [];
  let released = 0;
  const session = {
    query: (text: string, values: unknown[]) => {
      statements.push({ text, values });
      return Promise.resolve([{ held: locked }]);
    },
    release: () => {
      released += 1;
      return Promise.resolve();
    },
    connect: () =>
      Promise.resolve({
        query: (config: { text: string; values: unknown[] }) => {
          statements.push({ text: config.text, values: config.values });
          return Promise.resolve({ rows: [] });
        },
      }),
  };
  const dataSource = {
    createQueryRunner: () => session,
    connection: { createQueryRunner: () => session },
  } as unknown as DataSource;
  return { statements, dataSource, released: () => released };
}

describe('RelayStore', () => {
  it('marks the rows sent last and selects the next batch in one prepared statement', async () => {
    const db = recordingDatabase(true);
    await new RelayStore(db.dataSource).markAndSelectNext(['7', '8'], 500);
    expect(db.statements).toEqual([{ text: MARK_AND_SELECT, values: [500, ['7', '8']] }]);
    expect(MARK_AND_SELECT).toContain('o.message_key AS "messageKey"');
  });

  it('leads while it holds the relay lock, and gives it back with its session on stepping down', async () => {
    const db = recordingDatabase(true);
    const store = new RelayStore(db.dataSource);
    expect(await store.tryLead()).toBe(true);
    await store.stepDown();
    expect(db.statements.map((s) => s.values)).toEqual([[RELAY_LOCK_ID], [RELAY_LOCK_ID]]);
    expect(db.statements[1]?.text).toContain('pg_advisory_unlock');
    expect(db.released()).toBe(1);
    await store.stepDown();
    expect(db.released()).toBe(1);
  });

  it('stands by when another instance holds the lock', async () => {
    const db = recordingDatabase(false);
    expect(await new RelayStore(db.dataSource).tryLead()).toBe(false);
  });
});
