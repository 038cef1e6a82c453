import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './workspace';

const probes = {
  appImportsLib: [
    'apps/shipment-cancellation/src/probe.ts',
    "import { Topics } from '@oms/events';\nexport const t = Topics;\n",
  ],
  libImportsApp: [
    'libs/events/src/probe.ts',
    "import * as app from '../../../apps/shipment-cancellation/src/main';\nexport const a = app;\n",
  ],
  libImportsLib: [
    'libs/carrier-cancel/src/probe.ts',
    "import { Topics } from '@oms/events';\nexport const t = Topics;\n",
  ],
  appImportsApp: [
    'apps/shipment-cancellation/src/probe.ts',
    "import * as sandbox from '../../carrier-sandbox/src/main';\nexport const s = sandbox;\n",
  ],
  eventsImportsNest: [
    'libs/events/src/probe.ts',
    "import * as x from '@nestjs/common';\nexport const y = x;\n",
  ],
  eventsImportsKafka: ['libs/events/src/probe.ts', "import * as x from 'kafkajs';\nexport const y = x;\n"],
  carrierImportsTypeorm: [
    'libs/carrier-cancel/src/probe.ts',
    "import * as x from 'typeorm';\nexport const y = x;\n",
  ],
  storeImportsPipeline: [
    'apps/shipment-cancellation/src/store/probe.ts',
    "import { InboxService } from '../pipeline/ingest/inbox.service';\nexport const x = InboxService;\n",
  ],
  relayImportsIngest: [
    'apps/shipment-cancellation/src/pipeline/relay/probe.ts',
    "import { InboxService } from '../ingest/inbox.service';\nexport const x = InboxService;\n",
  ],
  domainImportsStore: [
    'apps/shipment-cancellation/src/domain/probe.ts',
    "import { SC_STATE } from '../store/cancellation-columns';\nexport const x = SC_STATE;\n",
  ],
  domainImportsTypeorm: [
    'apps/shipment-cancellation/src/domain/probe.ts',
    "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n",
  ],
  platformImportsDomain: [
    'apps/shipment-cancellation/src/platform/kafka/probe.ts',
    "import { reshipRuleFor } from '../../domain/reship-rule';\nexport const x = reshipRuleFor;\n",
  ],
  ingestImportsStoreAndDomain: [
    'apps/shipment-cancellation/src/pipeline/ingest/probe.ts',
    "import { lockOrders } from '../../store/order-lock';\nimport { reshipRuleFor } from '../../domain/reship-rule';\nexport const x = [lockOrders, reshipRuleFor];\n",
  ],
  adminImportsIngest: [
    'apps/shipment-cancellation/src/admin/probe.ts',
    "import { CancellationService } from '../pipeline/ingest/cancellation.service';\nexport const x = CancellationService;\n",
  ],
} as const;

type ProbeName = keyof typeof probes;

// One ESLint run for all snippets (a child process: see lint-probe.cjs for why).
function lintProbes(): Record<ProbeName, string[]> {
  const names = Object.keys(probes) as ProbeName[];
  const input = names.map((name) => ({
    filePath: path.join(repoRoot, probes[name][0]),
    code: probes[name][1],
  }));
  const output = execFileSync(process.execPath, [path.join(__dirname, 'lint-probe.cjs')], {
    cwd: repoRoot,
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  const messages = JSON.parse(output) as string[][];
  return Object.fromEntries(names.map((name, i) => [name, messages[i] ?? []])) as Record<ProbeName, string[]>;
}

describe('module boundaries (lint)', () => {
  let results: Record<ProbeName, string[]>;
  beforeAll(() => {
    results = lintProbes();
  });

  it('lets an app import a library through its alias', () => {
    expect(results.appImportsLib).toEqual([]);
  });

  it('fails an import from an app into a library', () => {
    expect(results.libImportsApp.length).toBeGreaterThan(0);
  });

  it('fails an import between libraries', () => {
    expect(results.libImportsLib.join('\n')).toMatch(/type:lib/);
  });

  it('fails an import of one app from another', () => {
    expect(results.appImportsApp.length).toBeGreaterThan(0);
  });

  it.each([
    ['storeImportsPipeline', 'store may not import pipeline/ingest'],
    ['relayImportsIngest', 'pipeline/relay may not import pipeline/ingest'],
    ['domainImportsStore', 'domain may not import store'],
    ['platformImportsDomain', 'platform may not import domain'],
    ['domainImportsTypeorm', "the domain stays pure: 'typeorm'"],
  ] as const)('fails an import up the service rooms (%s)', (probe, message) => {
    expect(results[probe].join('\n')).toContain(message);
  });

  it('lets a pipeline stage import the store and the domain, and admin a stage', () => {
    expect(results.ingestImportsStoreAndDomain).toEqual([]);
    expect(results.adminImportsIngest).toEqual([]);
  });

  it.each([
    ['eventsImportsNest', '@nestjs/common'],
    ['eventsImportsKafka', 'kafkajs'],
    ['carrierImportsTypeorm', 'typeorm'],
  ] as const)('fails a framework import (%s)', (probe, pkg) => {
    expect(results[probe].join('\n')).toContain(pkg);
  });
});
