// Creates each database named on the command line when missing. Connects to the maintenance database.
const { Client } = require('pg');

(async () => {
  const client = new Client({
    host: process.env.POSTGRES_HOST ?? '127.0.0.1',
    port: Number(process.env.POSTGRES_PORT ?? 5432),
    user: process.env.POSTGRES_USER ?? 'postgres',
    password: process.env.POSTGRES_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    for (const name of process.argv.slice(2)) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount === 0) {
        // Identifiers cannot be bound as parameters; names come from versions.env, quoted here anyway.
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        console.error(`[infra] created database ${name}`);
      }
    }
  } finally {
    await client.end();
  }
})().catch((error) => {
  console.error(`[infra] ${error.message}`);
  process.exit(1);
});
