// The printed table (ours vs naive vs passthrough, with ratios), the targets of issue 7, and the JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CPU_ROLES, type CpuRole, type CpuUse } from './bench-measure';
import type { SystemResult } from './bench-runner';
import type { Scenario } from './bench-workload';

export interface ScenarioResult {
  scenario: Scenario;
  orders: number;
  results: SystemResult[];
  targets: Target[];
}

export interface Target {
  name: string;
  value: string;
  met: boolean | null;
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n >= 10_000 ? `${fmt(n / 1000, 1)}s` : `${fmt(n, 0)}`);

export function evaluateTargets(scenario: Scenario, results: SystemResult[]): Target[] {
  const ours = results.find((r) => r.system === 'ours');
  const naive = results.find((r) => r.system === 'naive');
  if (!ours) return [];
  const failed = Object.values(ours.failed).reduce((a, b) => a + b, 0);
  const targets: Target[] = [];
  const add = (name: string, value: string, met: boolean | null) => targets.push({ name, value, met });
  if (!ours.timedOut)
    add('every order completed', `${ours.completed}/${ours.orders}`, ours.completed === ours.orders);
  else add('every order completed', `${ours.completed}/${ours.orders} (timed out)`, false);
  if (scenario.id === 'a') {
    add('≥ 1,000 orders/s end to end', `${fmt(ours.ordersPerSecond)}/s`, ours.ordersPerSecond >= 1000);
    const p99 = ours.steady?.latencyMs.p99;
    add(
      'p99 < 100 ms at a steady 200 orders/s',
      p99 === undefined ? 'not run' : `${fmt(p99, 0)} ms`,
      p99 === undefined ? null : p99 < 100,
    );
    add('service peak RSS < 300 MB', `${fmt(ours.peakRssMb)} MB`, ours.peakRssMb < 300);
    const ratio = naive ? ours.ordersPerSecond / naive.ordersPerSecond : null;
    add(
      '≥ 10× the naive baseline',
      ratio === null ? 'naive not run' : `${fmt(ratio)}×`,
      ratio === null ? null : ratio >= 10,
    );
  }
  if (scenario.id === 'b' || scenario.id === 'c') {
    const share = ours.carrier.ofLimit ?? 0;
    add(
      `carrier calls ≥ 95% of ${scenario.limit?.ratePerSecond}/s`,
      `${fmt(ours.carrier.perSecond, 2)}/s = ${fmt(share * 100)}%`,
      share >= 0.95,
    );
  }
  if (scenario.id === 'b')
    add('zero failed cancels (429s)', `${failed} failed, ${ours.throttled.count} × 429`, failed === 0);
  if (scenario.id === 'c') {
    const share = ours.throttled.ofCalls;
    add(
      '429s < 1% of calls',
      `${ours.throttled.count} of ${ours.carrier.calls} = ${fmt(share * 100, 2)}%`,
      share < 0.01,
    );
  }
  return targets;
}

export function printScenario(result: ScenarioResult): void {
  const { scenario, results } = result;
  console.log(`\n${scenario.title} — ${result.orders.toLocaleString('en')} orders`);
  const header = [
    'system',
    'done',
    'orders/s',
    'backlog p50/p99 ms',
    'steady p50/p99 ms',
    'carrier calls/s',
    '429s',
    'failed',
    'peak RSS MB',
    'backlog CPU machine/system',
    'CPU ms/order sys / pg',
  ];
  const rows = results.map((r) => {
    const failed = Object.values(r.failed).reduce((a, b) => a + b, 0);
    const limit = r.carrier.ofLimit === null ? '' : ` (${fmt(r.carrier.ofLimit * 100)}%)`;
    return [
      r.system,
      `${r.completed}/${r.orders}${r.timedOut ? '*' : ''}`,
      fmt(r.ordersPerSecond),
      `${ms(r.drainLatencyMs.p50)} / ${ms(r.drainLatencyMs.p99)}`,
      r.steady
        ? `${ms(r.steady.latencyMs.p50)} / ${ms(r.steady.latencyMs.p99)}${r.steady.timedOut ? '*' : ''}`
        : '-',
      r.system === 'passthrough' ? '-' : `${fmt(r.carrier.perSecond, 2)}${limit}`,
      r.system === 'passthrough' ? '-' : String(r.throttled.count),
      r.system === 'passthrough' ? '-' : String(failed),
      fmt(r.peakRssMb),
      r.drainCpu
        ? `${fmt(r.drainCpu.machineBusyPercent, 0)}% / ${fmt(r.drainCpu.cores.system, 2)} cores`
        : '-',
      r.drainCpu && r.ordersPerSecond > 0
        ? `${fmt((r.drainCpu.cores.system * 1000) / r.ordersPerSecond, 2)} / ${fmt((r.drainCpu.cores.postgres * 1000) / r.ordersPerSecond, 2)}`
        : '-',
    ];
  });
  printTable(header, rows);
  if (results.some((r) => r.timedOut || r.steady?.timedOut))
    console.log('* stopped at its time budget: rates are over the orders done by then');
  console.log(
    'backlog CPU: how busy the whole machine was while the backlog drained (100% = every core), and the cores the system itself used',
  );
  for (const r of results) {
    const line = cpuPerOrder(r.drainCpu, r.ordersPerSecond, os.availableParallelism());
    if (line) console.log(`  ${r.system}: ${line}`);
  }

  const ours = results.find((r) => r.system === 'ours');
  const ratio = (other: SystemResult | undefined) =>
    ours && other ? `${fmt(ours.ordersPerSecond / other.ordersPerSecond, 2)}×` : 'n/a';
  console.log(
    `ours ÷ naive: ${ratio(results.find((r) => r.system === 'naive'))}   ours ÷ passthrough: ${ratio(results.find((r) => r.system === 'passthrough'))}`,
  );
  for (const t of result.targets)
    console.log(`  [${t.met === null ? ' -- ' : t.met ? 'MET ' : 'MISS'}] ${t.name}: ${t.value}`);
}

/**
 * The backlog's CPU per order by role, and the rates the machine's cores allow: with everything as measured,
 * and with the system under test costing nothing (what the stack around it leaves room for).
 */
/** Prints a table: the first column left-aligned, the others right-aligned, a rule under the header. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function cpuPerOrder(cpu: CpuUse | null, ordersPerSecond: number, cores: number): string | null {
  if (!cpu || ordersPerSecond <= 0) return null;
  const msPerOrder = (role: CpuRole) => (cpu.cores[role] * 1000) / ordersPerSecond;
  const total = CPU_ROLES.reduce((sum, role) => sum + msPerOrder(role), 0);
  const rest = total - msPerOrder('system');
  const parts = CPU_ROLES.map((role) => `${role} ${fmt(msPerOrder(role), 2)}`).join(', ');
  const allow = (ms: number) => (ms > 0 ? `${fmt((cores * 1000) / ms, 0)}/s` : 'n/a');
  return (
    `CPU ms per order while the backlog drained: ${parts}; ${fmt(total, 2)} in all. ` +
    `${cores} cores allow ${allow(total)}, or ${allow(rest)} if the system itself cost nothing`
  );
}

export function writeJson(dir: string, runId: string, payload: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${runId}.json`);
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}
