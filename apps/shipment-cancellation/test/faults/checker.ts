// The offline checker: reads what a fault run left behind — its input log, the input and output topics from
// the beginning, the database and the carrier's counters — and reports every violation of our guarantees.
//   SWC_NODE_PROJECT=apps/shipment-cancellation/tsconfig.json node -r @swc-node/register \
//     apps/shipment-cancellation/test/faults/checker.ts [tmp/faults/<run>]   (default: the latest run)
import type { OverLimitEvent } from '../support/sandbox';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { repoRoot } from '../support/child-app';
import { readTopics } from '../support/kafka-topics';
import { type Category, type DbCancellation, STRICTER, type Violation, check } from './checker-rules';
import type { RunManifest } from './fault-run';
import type { FaultOrder } from './fault-workload';
import { readInputLog } from './input-log';

export interface CheckReport {
  run: string;
  ok: boolean;
  violations: Violation[];
  byCategory: Partial<Record<Category, number>>;
  stats: Record<string, number | string | boolean>;
}

export async function checkRun(dir: string): Promise<CheckReport> {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as RunManifest;
  const { orders } = JSON.parse(readFileSync(path.join(dir, 'workload.json'), 'utf8')) as {
    orders: FaultOrder[];
  };
  const carrier = JSON.parse(readFileSync(path.join(dir, 'carrier.json'), 'utf8')) as {
    counters: CarrierCounters;
    shipments: Array<{ carrierShipmentId: string; status: string }>;
    rateLimitExcused?: Record<string, number>;
  };
  // A run whose sandbox did not count requests over the limit cannot be checked against that rule.
  if (!carrier.counters.rateLimit)
    throw new Error(`${dir}/carrier.json has no rateLimit counters: the limit rule cannot be checked`);
  const log = readInputLog(path.join(dir, 'inputs.jsonl'));
  const t = manifest.topics;
  const [inputs, outputs] = await Promise.all([
    readTopics([t.orderCancelled, t.shipmentPurchased]),
    readTopics([t.shipmentCancelled, t.manualReshipRequired, t.shipmentCancellationFailed, t.deadLetter]),
  ]);
  const db = new Client({ connectionString: manifest.databaseUrl });
  await db.connect();
  let cancellations: DbCancellation[];
  let outbox: Array<{ eventId: string; topic: string; published: boolean }>;
  try {
    cancellations = (
      await db.query<DbCancellation>(
        `SELECT id, shipment_id AS "shipmentId", order_id AS "orderId", state, outcome, failure_reason AS "failureReason",
                completed_at IS NOT NULL AS completed
           FROM shipment_cancellation`,
      )
    ).rows;
    outbox = (
      await db.query(
        `SELECT event_id AS "eventId", topic, published_at IS NOT NULL AS published FROM outbox_event`,
      )
    ).rows;
  } finally {
    await db.end();
  }

  const { violations, stats } = check({
    orders,
    log,
    inputs,
    outputs,
    topics: t,
    cancellations,
    outbox,
    carrier: {
      perShipment: carrier.counters.stateChangingCancels.perShipment,
      shipments: carrier.shipments,
      overLimit: carrier.counters.rateLimit.overLimit,
      overLimitExcused: carrier.rateLimitExcused ?? {},
      overLimitWithinStall: carrier.counters.rateLimit.overLimitWithinStall ?? {},
      overLimitEvents: carrier.counters.rateLimit.overLimitEvents ?? [],
    },
  });
  const byCategory: CheckReport['byCategory'] = {};
  for (const v of violations) byCategory[v.category] = (byCategory[v.category] ?? 0) + 1;
  const calls = Object.entries(carrier.counters.calls).reduce((sum, [, c]) => sum + c.total, 0);
  const report: CheckReport = {
    run: manifest.runId,
    ok: violations.length === 0,
    violations,
    byCategory,
    stats: {
      ...stats,
      'workload.orders': orders.filter((o) => o.kind !== 'control').length,
      'workload.controlOrders': orders.filter((o) => o.kind === 'control').length,
      'workload.shipments': orders.reduce((n, o) => n + o.shipments.length, 0),
      'log.published': log.length,
      'log.duplicatesSameId': log.filter((e) => e.kind === 'duplicate_same_id').length,
      'log.duplicatesNewId': log.filter((e) => e.kind === 'duplicate_new_id').length,
      'log.poison': log.filter((e) => e.kind === 'poison').length,
      'log.latePurchases': log.filter((e) => e.kind === 'late_purchase').length,
      'log.retriedSends': log.filter((e) => e.attempts > 1).length,
      'carrier.calls': calls,
      'carrier.stateChangingCancels': carrier.counters.stateChangingCancels.total,
      'carrier.throttled429': carrier.counters.throttled.total,
      'carrier.injected': JSON.stringify(carrier.counters.faultsInjected),
      'chaos.serviceKills': manifest.kills,
      'run.instances': manifest.options.instances ?? 1,
      'chaos.brokerKilled': manifest.brokerKilled,
      'chaos.postgresRestarted': manifest.postgresRestarted,
      'chaos.serviceStartFailures': manifest.serviceStartFailures,
      'chaos.unexpectedServiceExits': manifest.unexpectedExits.length,
      'run.settled': manifest.settled,
      'run.serviceRevision': manifest.revision ?? 'unknown',
      'run.finalExitCode': (manifest.finalExitCodes ?? [manifest.finalExitCode]).map(String).join(', '),
    },
  };
  writeFileSync(path.join(dir, 'check.json'), JSON.stringify(report, null, 2));
  return report;
}

interface CarrierCounters {
  calls: Record<string, { total: number }>;
  stateChangingCancels: { total: number; perShipment: Record<string, number> };
  throttled: { total: number };
  faultsInjected: Record<string, unknown>;
  rateLimit?: {
    requests: Record<string, number>;
    overLimit: Record<string, number>;
    overLimitTotal: number;
    overLimitWithinStall?: Record<string, number>;
    overLimitEvents?: OverLimitEvent[];
  };
}

export function printReport(report: CheckReport): void {
  console.log(`\nchecker: run ${report.run}`);
  const width = Math.max(...Object.keys(report.stats).map((k) => k.length));
  for (const [key, value] of Object.entries(report.stats).sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${key.padEnd(width)}  ${value}`);
  if (report.ok) {
    console.log('checker: 0 violations');
    return;
  }
  console.log(`checker: ${report.violations.length} violation(s)`);
  for (const [category, n] of Object.entries(report.byCategory)) {
    console.log(
      `  ${category}: ${n}${STRICTER.has(category as Category) ? " (a check beyond issue 7's list)" : ''}`,
    );
    for (const v of report.violations.filter((x) => x.category === category).slice(0, 5))
      console.log(`    - ${v.detail}`);
  }
}

function latestRun(): string {
  const root = path.join(repoRoot, 'tmp', 'faults');
  const runs = existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(path.join(root, d, 'manifest.json')))
        .sort()
    : [];
  const last = runs[runs.length - 1];
  if (!last) throw new Error(`no finished fault run under ${root}`);
  return path.join(root, last);
}

if (require.main === module) {
  const dir = process.argv[2] ? path.resolve(process.argv[2]) : latestRun();
  checkRun(dir).then(
    (report) => {
      printReport(report);
      process.exit(report.ok ? 0 : 1);
    },
    (error: unknown) => {
      console.error((error as Error).stack ?? error);
      process.exit(2);
    },
  );
}
