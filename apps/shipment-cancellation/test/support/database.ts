import { Client } from 'pg';

const host = process.env['POSTGRES_HOST'] ?? '127.0.0.1';
const port = Number(process.env['POSTGRES_PORT'] ?? 5432);
const user = process.env['POSTGRES_USER'] ?? 'postgres';

/** Runs statements on the server's maintenance database, one session. */
async function onServer(...statements: string[]): Promise<void> {
  const client = new Client({
    host,
    port,
    user,
    password: process.env['POSTGRES_PASSWORD'],
    database: 'postgres',
  });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops and creates a database on the test server; returns its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, `CREATE DATABASE "${name}"`);
  const password = process.env['POSTGRES_PASSWORD'];
  const auth = password
    ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}`
    : encodeURIComponent(user);
  return `postgres://${auth}@${host}:${port}/${name}`;
}

/**
 * Flushes what earlier work left dirty, so that a measured run does not pay for the previous one's checkpoint
 * (pgbench does the same before it measures). Needs a superuser or pg_checkpoint; returns false without one.
 */
export async function checkpoint(): Promise<boolean> {
  try {
    await onServer('CHECKPOINT');
    return true;
  } catch (error) {
    // insufficient_privilege; anything else (the server is down) is the caller's to see.
    if ((error as { code?: string }).code === '42501') return false;
    throw error;
  }
}

/** Drops a database made by recreateDatabase, whoever is still connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
