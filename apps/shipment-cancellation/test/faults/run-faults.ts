// `npm run test:faults`: a long workload under faults, then the offline checker. Exits non-zero on any violation.
//   npm run test:faults -- --seed 7 --orders 10000 --kills 10 [--runs 5] [--no-broker-kill] [--no-postgres-restart]
//   npm run test:faults -- --instances 3   (three service processes in one consumer group; kills go round them)
//   npm run test:faults -- --fuzz 2000 [--seed S]   (hostile inputs against the service: see fuzz-run.ts)
// A passing run's topics are deleted after its check (hundreds of leftover partitions slow the broker down for
// everything after), unless --keep-topics; a failing run's stay, so the checker can be run on it again.
import { parseArgs } from 'node:util';
import { printReport } from './checker';
import { checkRun } from './checker';
import { runFaults } from './fault-run';
import { runFuzz } from './fuzz-run';
import { deleteTopics } from '../support/stack';

const USAGE = `usage: npm run test:faults -- [--seed S] [--orders N] [--kills K] [--runs R] [--rate MSG_PER_S]
       [--instances N] [--partitions N] [--no-broker-kill] [--no-postgres-restart] [--no-carrier-faults]
       [--settle-timeout SECONDS] [--keep-topics]
       npm run test:faults -- --fuzz N [--seed S] [--settle-timeout SECONDS] [--keep-topics]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(Date.now() % 100_000) },
      orders: { type: 'string', default: '10000' },
      kills: { type: 'string', default: '10' },
      runs: { type: 'string', default: '1' },
      rate: { type: 'string' },
      partitions: { type: 'string', default: '6' },
      instances: { type: 'string', default: '1' },
      'settle-timeout': { type: 'string', default: '600' },
      'no-broker-kill': { type: 'boolean', default: false },
      'no-postgres-restart': { type: 'boolean', default: false },
      'no-carrier-faults': { type: 'boolean', default: false },
      'keep-topics': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      fuzz: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const int = (raw: string, name: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number\n${USAGE}`);
    return n;
  };
  if (values.fuzz !== undefined)
    return runFuzz({
      count: int(values.fuzz, 'fuzz'),
      seed: values.seed,
      settleTimeoutS: int(values['settle-timeout'], 'settle-timeout'),
      keepTopics: values['keep-topics'],
    });
  const runs = Math.max(1, int(values.runs, 'runs'));
  const instances = int(values.instances, 'instances');
  if (instances < 1) throw new Error(`--instances must be at least 1\n${USAGE}`);
  const results: string[] = [];
  let failed = 0;
  for (let i = 0; i < runs; i++) {
    const seed = runs === 1 ? values.seed : `${values.seed}${i}`;
    const { dir, manifest } = await runFaults({
      seed,
      orders: int(values.orders, 'orders'),
      kills: int(values.kills, 'kills'),
      brokerKill: !values['no-broker-kill'],
      postgresRestart: !values['no-postgres-restart'],
      carrierFaults: !values['no-carrier-faults'],
      ...(values.rate ? { rate: int(values.rate, 'rate') } : {}),
      partitions: int(values.partitions, 'partitions'),
      instances,
      database: 'oms_cancellation_faults',
      settleTimeoutS: int(values['settle-timeout'], 'settle-timeout'),
    });
    const report = await checkRun(dir);
    printReport(report);
    if (!report.ok) failed += 1;
    const keep = !report.ok || values['keep-topics'];
    if (!keep)
      await deleteTopics(Object.values(manifest.topics)).catch((error: Error) =>
        console.log(`could not delete the run's topics: ${error.message}`),
      );
    results.push(
      `run ${i + 1}/${runs} seed ${seed}: ${report.ok ? 'PASS' : 'FAIL'} — ${report.violations.length} violations, ${manifest.kills} kills over ${instances} instance(s), settled ${manifest.settled} (${dir}${keep ? '' : '; topics deleted'})`,
    );
  }
  console.log(`\n${results.join('\n')}`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(2);
  },
);
