// Builds the @oms/events package into dist/libs/events (or the folder given as first argument): lib/ (JavaScript
// and .d.ts compiled from src by tsc), schemas/<Name>.json (the open consumer schemas), package.json, README.md
// and asyncapi.yaml. Run from the repository root with `npx nx run events:build`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConsumerSchemas } from '../src/consumer';

const libDir = resolve(__dirname, '..');
export const defaultOutDir = resolve(libDir, '../../dist/libs/events');

/** Writes each schema of `ConsumerSchemas` to `<dir>/<Name>.json` as a standalone draft-07 document. */
export function writeSchemaFiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(ConsumerSchemas).map(([name, schema]) => {
    const file = join(dir, `${name}.json`);
    const document = { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    return file;
  });
}

/** Builds the package folder `out` (emptied first), ready for `npm pack`. */
export function buildPackage(out: string = defaultOutDir): void {
  rmSync(out, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(
    process.execPath,
    [tsc, '-p', join(libDir, 'tsconfig.lib.json'), '--outDir', join(out, 'lib')],
    {
      stdio: 'inherit',
    },
  );
  writeSchemaFiles(join(out, 'schemas'));
  for (const file of ['package.json', 'README.md', 'asyncapi.yaml'])
    cpSync(join(libDir, file), join(out, file));
}

if (require.main === module) {
  const out = process.argv[2] === undefined ? defaultOutDir : resolve(process.argv[2]);
  buildPackage(out);
  console.log(`built @oms/events in ${out}`);
}
