// `npm run admin:keygen -- --id alice --role operator`: a new admin API key and the ADMIN_API_KEYS entry that
// admits it. The key is printed once and stored nowhere; the service only ever gets its SHA-256.
// Output is two shell assignments, so `npm run -s admin:keygen -- … > file` then `. file` works.
import { parseArgs } from 'node:util';
import { generateApiKey, hashApiKey } from '../src/admin/auth/api-key';

const USAGE = 'usage: npm run admin:keygen -- --id <key id> --role <viewer|operator>';

function main(): number {
  let values: { id?: string; role?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { id: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const { id, role } = values;
  if (!id || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
    console.error(
      `--id is required: 1-64 letters, digits, '.', '_' or '-' (it is the actor in the audit log)\n${USAGE}`,
    );
    return 2;
  }
  if (role !== 'viewer' && role !== 'operator') {
    console.error(`--role must be viewer (reads) or operator (reads and writes)\n${USAGE}`);
    return 2;
  }
  const key = generateApiKey();
  console.log(`# ${id} (${role}). The key is shown once: hand it over privately and keep it secret.`);
  console.log(`# The service needs only ADMIN_API_KEYS (join the entries of several keys with commas).`);
  console.log(`ADMIN_KEY=${key}`);
  console.log(`ADMIN_API_KEYS=${id}:${role}:${hashApiKey(key)}`);
  return 0;
}

process.exitCode = main();
