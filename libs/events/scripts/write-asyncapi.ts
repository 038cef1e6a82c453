// Writes libs/events/asyncapi.yaml from the schemas in src (a unit test fails when the file is out of date).
// Run from the repository root:
//   SWC_NODE_PROJECT=libs/events/tsconfig.json node -r @swc-node/register libs/events/scripts/write-asyncapi.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { asyncApiDocument } from '../src/asyncapi';

const header = [
  '# Generated from libs/events/src by libs/events/scripts/write-asyncapi.ts: do not edit by hand. Regenerate with',
  '#   SWC_NODE_PROJECT=libs/events/tsconfig.json node -r @swc-node/register libs/events/scripts/write-asyncapi.ts',
  '',
].join('\n');

const file = join(__dirname, '..', 'asyncapi.yaml');
// No anchors/aliases: schemas share sub-objects, and readers of the file should see each one in full.
writeFileSync(
  file,
  header + stringify(asyncApiDocument, { aliasDuplicateObjects: false, lineWidth: 0, singleQuote: true }),
);
console.log(`wrote ${file}`);
