// Session advisory locks (keys in advisory-locks.ts): held by one connection until unlocked or it goes away.
import type { QueryRunner } from 'typeorm';

/** Takes the lock if no other session holds it; true when this session now holds it. */
export async function tryLockSession(runner: QueryRunner, key: number): Promise<boolean> {
  const [row]: Array<{ held: boolean }> = await runner.query(`SELECT pg_try_advisory_lock($1) AS held`, [
    key,
  ]);
  return row?.held === true;
}

/** Takes the lock, waiting for as long as another session holds it. */
export async function lockSession(runner: QueryRunner, key: number): Promise<void> {
  await runner.query(`SELECT pg_advisory_lock($1)`, [key]);
}

/** Gives the lock back. */
export async function unlockSession(runner: QueryRunner, key: number): Promise<void> {
  await runner.query(`SELECT pg_advisory_unlock($1)`, [key]);
}
