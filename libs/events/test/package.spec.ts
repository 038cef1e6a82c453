// The package as a consumer gets it: `npm pack` of the build installs, offline, into a project of its own, and
// the example consumer (examples/consumer.ts) type-checks there with tsc (node10 and node16 resolution) and runs.
// The package's dependencies (ajv, ajv-formats) and the consumer's @types/node are links to the repository's.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPackage } from '../scripts/build-package';
import { Examples } from '../src/index';

const lib = resolve(__dirname, '..');
const repo = resolve(lib, '../..');
const tsc = require.resolve('typescript/bin/tsc');

// A clean environment: `npm test` passes its own npm settings (npm_config_*) down to its children.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

const manifest = JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};

let work: string;
let consumer: string;
let packedFiles: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oms-events-package-'));
  const packageDir = join(work, 'package');
  buildPackage(packageDir);
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], packageDir)) as [
    { filename: string; files: { path: string }[] },
  ];
  packedFiles = packed.files.map((file) => file.path);

  consumer = join(work, 'consumer');
  mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
  mkdirSync(join(consumer, 'src'));
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'events-consumer', version: '0.0.0', private: true }),
  );
  const link = (name: string): void =>
    symlinkSync(join(repo, 'node_modules', name), join(consumer, 'node_modules', name), 'dir');
  Object.keys(manifest.dependencies).forEach(link);
  // An empty cache of its own: nothing may come from a registry, nor from what this machine cached before.
  const cache = join(work, 'npm-cache');
  const install = ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--cache', cache];
  run('npm', [...install, join(work, packed.filename)], consumer);
  // After the install, which removes what no dependency of the project asks for.
  link('@types/node');
  cpSync(join(lib, 'examples', 'consumer.ts'), join(consumer, 'src', 'consumer.ts'));
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function typeCheck(moduleKind: 'commonjs' | 'node16', emit: boolean): void {
  const config = {
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: moduleKind,
      moduleResolution: moduleKind === 'commonjs' ? 'node10' : 'node16',
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
      noEmit: !emit,
      // Once is enough to check the package's .d.ts files (and @types/node, which takes seconds).
      skipLibCheck: !emit,
    },
    include: ['src/**/*.ts'],
  };
  const file = join(consumer, `tsconfig.${moduleKind}.json`);
  writeFileSync(file, JSON.stringify(config));
  run(process.execPath, [tsc, '-p', file], consumer);
}

describe('the @oms/events tarball', () => {
  it('holds the compiled library with declarations, the JSON Schemas and the AsyncAPI document', () => {
    expect(
      packedFiles.filter((path) => !/^(lib\/[\w.-]+\.(js|d\.ts)|schemas\/\w+\.json)$/.test(path)).sort(),
    ).toEqual(['README.md', 'asyncapi.yaml', 'package.json']);
    expect(packedFiles).toEqual(
      expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', 'schemas/ShipmentCancelledEvent.json']),
    );
    expect(packedFiles.some((path) => path.includes('.spec.'))).toBe(false);
  });

  it('declares every package its code requires, with the repository’s version ranges', () => {
    const installed = join(consumer, 'node_modules', '@oms', 'events', 'lib');
    const required = new Set<string>();
    for (const file of readdirSync(installed).filter((name) => name.endsWith('.js'))) {
      for (const match of readFileSync(join(installed, file), 'utf8').matchAll(
        /require\("([^".][^"]*)"\)/g,
      )) {
        const name = match[1] ?? '';
        if (!name.startsWith('node:')) required.add(name);
      }
    }
    expect([...required].sort()).toEqual(Object.keys(manifest.dependencies).sort());
    const root = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const [name, range] of Object.entries(manifest.dependencies)) {
      expect({ name, range }).toEqual({ name, range: root.dependencies[name] });
    }
  });

  it('type-checks the example consumer with node16 resolution (package exports)', () => {
    typeCheck('node16', false);
  });

  it('type-checks and runs the example consumer (node10 resolution: main and types)', () => {
    typeCheck('commonjs', true);
    const later = structuredClone(Examples.shipmentCancelled) as unknown as Record<string, unknown> & {
      data: Record<string, unknown>;
    };
    later.data['addedLater'] = 'a field of a later 1.x';
    const script = [
      "const { readOutcome, describeOutcome } = require('./dist/consumer.js');",
      'const lines = JSON.parse(process.argv[1]).map((value) => {',
      '  const result = readOutcome(value);',
      "  return 'event' in result ? describeOutcome(result.event) : 'skipped ' + result.skipped;",
      '});',
      "const schema = require('@oms/events/schemas/ShipmentCancelledEvent.json');",
      "lines.push(schema.title, require('@oms/events/package.json').version);",
      "lines.push(require.resolve('@oms/events/asyncapi.yaml').endsWith('asyncapi.yaml'));",
      'console.log(JSON.stringify(lines));',
    ].join('\n');
    const values = [
      JSON.stringify(later),
      JSON.stringify(Examples.manualReshipRequired),
      JSON.stringify(Examples.orderCancelled),
    ];
    const output = run(process.execPath, ['-e', script, JSON.stringify(values)], consumer);
    expect(JSON.parse(output)).toEqual([
      'order 113-4567890-1234567: shipment shp_01HQ8Z4T6V voided',
      'order 112-7654321-9876543: 3 shipments, reship by hand',
      'skipped unknown_type: type: must be oms.shipment.cancelled or oms.shipment.cancellation-failed or ' +
        'oms.order.manual-reship-required, got oms.order.cancelled',
      'ShipmentCancelled event',
      manifest.version,
      true,
    ]);
  });
});
