import { Client } from 'pg';

/** Drops and creates a database on the test server; returns its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  const host = process.env['POSTGRES_HOST'] ?? '127.0.0.1';
  const port = Number(process.env['POSTGRES_PORT'] ?? 5432);
  const user = process.env['POSTGRES_USER'] ?? 'postgres';
  const client = new Client({
    host,
    port,
    user,
    password: process.env['POSTGRES_PASSWORD'],
    database: 'postgres',
  });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const password = process.env['POSTGRES_PASSWORD'];
  const auth = password
    ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}`
    : encodeURIComponent(user);
  return `postgres://${auth}@${host}:${port}/${name}`;
}
