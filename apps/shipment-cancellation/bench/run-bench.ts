// `npm run bench`: the benchmark. Scenarios a–c run against our service, the naive @EventPattern baseline and
// a raw kafkajs passthrough, each as a child process on topics and a database of its own; d–f run our service
// alone, as several instances against per-seller quotas.
//   npm run bench -- --scenario a,b --orders 2000 --systems ours,naive --steady-seconds 20
//   npm run bench -- --scenario d,e,f --systems ours
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SandboxProcess } from '../test/support/sandbox';
import { type ServiceRuntime, buildService, codeRevision, infraUp } from '../test/support/stack';
import { type ScenarioResult, evaluateTargets, printScenario, writeJson } from './bench-report';
import { type BenchOptions, type SystemResult, runSystem } from './bench-runner';
import { SYSTEMS, type SystemId, benchResultsDir } from './bench-systems';
import { SCENARIOS, type ScenarioId, buildWorkload } from './bench-workload';
import { fleetTargets, printFleetScenario } from './fleet-report';
import { type FleetScenarioResult, runFleetScenario } from './fleet-runner';
import { FLEET_SCENARIOS, type FleetScenarioId, isFleetScenario } from './fleet-workload';

type AnyResult = ScenarioResult | (FleetScenarioResult & { targets: ScenarioResult['targets'] });

function printAny(result: AnyResult): void {
  if ('kind' in result) printFleetScenario(result, result.targets);
  else printScenario(result);
}

const USAGE = `usage: npm run bench -- [options]
  --scenario a,b,c,d,e,f   scenarios to run (default: all); d–f run against ours only
  --systems ours,naive,passthrough
  --orders N               backlog size for every chosen scenario (default: a 20000, b 5000, c 1000,
                           d 5000, e 8000, f 6000; d–f keep their phases' proportions)
  --steady-seconds S       length of the steady ${'200'} orders/s phase of scenario a (default 30)
  --steady-rate R          orders/s of that phase (default 200)
  --naive-max-seconds S    time budget of the naive baseline per phase (default 120)
  --max-seconds S          time budget of the others per phase (default 900)
  --partitions N           input topic partitions (default 6)
  --seed X                 workload seed (default 1)
  --service-env K=V,...    extra environment for our service (e.g. WORKER_CONCURRENCY=128)
  --service-runtime R      compiled (default: built like nx build, run by plain node, as npm start does) or swc`;

function options() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'a,b,c,d,e,f' },
      systems: { type: 'string', default: SYSTEMS.join(',') },
      orders: { type: 'string' },
      'steady-seconds': { type: 'string', default: '30' },
      'steady-rate': { type: 'string', default: '200' },
      'naive-max-seconds': { type: 'string', default: '120' },
      'max-seconds': { type: 'string', default: '900' },
      partitions: { type: 'string', default: '6' },
      seed: { type: 'string', default: '1' },
      'service-env': { type: 'string', default: '' },
      'service-runtime': { type: 'string', default: 'compiled' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const list = <T extends string>(raw: string, allowed: readonly T[], what: string): T[] =>
    raw.split(',').map((item) => {
      const value = item.trim() as T;
      if (!allowed.includes(value))
        throw new Error(`unknown ${what} '${item}' (known: ${allowed.join(', ')})\n${USAGE}`);
      return value;
    });
  const number = (raw: string | undefined, name: string): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
    return n;
  };
  return {
    scenarios: list(
      values.scenario,
      [...Object.keys(SCENARIOS), ...Object.keys(FLEET_SCENARIOS)] as Array<ScenarioId | FleetScenarioId>,
      'scenario',
    ),
    systems: list(values.systems, SYSTEMS, 'system'),
    orders: number(values.orders, 'orders'),
    steadySeconds: number(values['steady-seconds'], 'steady-seconds') as number,
    steadyRate: number(values['steady-rate'], 'steady-rate') as number,
    naiveMaxSeconds: number(values['naive-max-seconds'], 'naive-max-seconds') as number,
    maxSeconds: number(values['max-seconds'], 'max-seconds') as number,
    partitions: number(values.partitions, 'partitions') as number,
    seed: values.seed,
    runtime: list(
      values['service-runtime'],
      ['compiled', 'swc'] as const,
      'service runtime',
    )[0] as ServiceRuntime,
    serviceEnv: Object.fromEntries(
      values['service-env']
        .split(',')
        .filter(Boolean)
        .map((pair) => {
          const [key, ...value] = pair.split('=');
          if (!key || value.length === 0) throw new Error(`--service-env takes KEY=VALUE,...\n${USAGE}`);
          return [key.trim(), value.join('=')];
        }),
    ),
  };
}

async function main(): Promise<void> {
  const opts = options();
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  const runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const logDir = path.join(benchResultsDir, 'logs', runId);
  const benchOptions: BenchOptions = {
    runId,
    logDir,
    partitions: opts.partitions,
    steadyRate: opts.steadyRate,
    naiveMaxSeconds: opts.naiveMaxSeconds,
    maxSeconds: opts.maxSeconds,
    serviceEnv: opts.serviceEnv,
    runtime: opts.runtime,
  };
  console.log(
    `bench ${runId}: scenarios ${opts.scenarios.join(',')}, systems ${opts.systems.join(',')}; ${os.cpus().length} CPUs; logs in ${path.relative(process.cwd(), logDir)}`,
  );
  infraUp(true);
  const revision = codeRevision();
  if (opts.runtime === 'compiled') {
    console.log('building the service (node infra/build-app.cjs shipment-cancellation)');
    buildService();
  }
  console.log(`service code: ${revision}, ${opts.runtime}`);
  const sandbox = await SandboxProcess.start({ SANDBOX_SEED_DEMO: 'false', SANDBOX_LOG_LEVEL: 'error' });
  const scenarios: AnyResult[] = [];
  try {
    for (const id of opts.scenarios) {
      if (isFleetScenario(id)) {
        const { title, orders: defaultOrders } = FLEET_SCENARIOS[id];
        const orders = opts.orders ?? defaultOrders;
        console.log(`\n== ${title}: ${orders.toLocaleString('en')} orders`);
        const others = opts.systems.filter((s) => s !== 'ours');
        if (others.length > 0)
          console.log(
            `-- ${id} · ${others.join(', ')}: skipped (one process without a carrier budget to share or instances to add: the scenario measures our fleet)`,
          );
        if (!opts.systems.includes('ours')) continue;
        const started = Date.now();
        console.log(`-- ${id} · ours`);
        const fleet = await runFleetScenario(id, orders, opts.seed, sandbox, benchOptions);
        console.log(`-- ${id} · ours finished in ${Math.round((Date.now() - started) / 1000)} s`);
        const result = { ...fleet, targets: fleetTargets(fleet) };
        scenarios.push(result);
        printAny(result);
        continue;
      }
      const scenario = SCENARIOS[id];
      const orders = opts.orders ?? scenario.orders;
      const steadyOrders = scenario.steady ? Math.round(opts.steadySeconds * opts.steadyRate) : 0;
      const workload = buildWorkload(scenario, orders, steadyOrders, opts.seed);
      const shipments = workload.drain.reduce((n, o) => n + o.shipments.length, 0);
      console.log(
        `\n== ${scenario.title}: ${orders.toLocaleString('en')} orders (${shipments.toLocaleString('en')} shipments)${steadyOrders ? `, then ${steadyOrders} at ${opts.steadyRate}/s` : ''}`,
      );
      const results: SystemResult[] = [];
      for (const system of opts.systems as SystemId[]) {
        const started = Date.now();
        console.log(`-- ${scenario.id} · ${system}`);
        results.push(await runSystem(system, workload, sandbox, benchOptions));
        console.log(
          `-- ${scenario.id} · ${system} finished in ${Math.round((Date.now() - started) / 1000)} s`,
        );
      }
      const result: ScenarioResult = {
        scenario,
        orders,
        results,
        targets: evaluateTargets(scenario, results),
      };
      scenarios.push(result);
      printScenario(result);
    }
  } finally {
    await sandbox.stop();
  }

  console.log('\n=========== summary ===========');
  for (const result of scenarios) printAny(result);
  const file = writeJson(benchResultsDir, runId, {
    runId,
    revision,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    options: opts,
    scenarios,
  });
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
  const missed = scenarios.flatMap((s) => s.targets).filter((t) => t.met === false).length;
  if (missed > 0) console.log(`${missed} target(s) missed`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
