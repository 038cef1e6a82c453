// Helpers for integration-test global setups: bring the real infrastructure up (idempotent) and hand
// each suite a fresh database. Used from each app's test/global-setup.ts.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');

const infraScript = path.resolve(__dirname, '..', 'infra.sh');

/** Runs `infra up` (a no-op when everything already runs) and returns the connection settings. */
function infraUp() {
  execFileSync('bash', [infraScript, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  return {
    kafkaBrokers: process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`,
    postgres: {
      host: process.env.POSTGRES_HOST ?? '127.0.0.1',
      port: Number(process.env.POSTGRES_PORT ?? 5432),
      user: process.env.POSTGRES_USER ?? 'postgres',
      password: process.env.POSTGRES_PASSWORD,
    },
  };
}

/** Drops and re-creates a database so every run starts from migrations on an empty schema. */
async function recreateDatabase(postgres, name) {
  const client = new Client({ ...postgres, database: 'postgres' });
  await client.connect();
  try {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoted}`);
  } finally {
    await client.end();
  }
  const { host, port, user, password } = postgres;
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
  return `postgres://${auth}@${host}:${port}/${name}`;
}

module.exports = { infraUp, recreateDatabase };
