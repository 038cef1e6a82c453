// The three systems a scenario runs against, each a child process on topics and a database of its own:
// our service, the naive @EventPattern baseline, and the raw kafkajs passthrough.
import path from 'node:path';
import { Client } from 'pg';
import { ChildApp, answers, repoRoot } from '../test/support/child-app';
import { recreateDatabase } from '../test/support/database';
import { waitFor } from '../test/support/ports';
import {
  type RunTopics,
  type ServiceRuntime,
  brokers,
  freshDatabase,
  serviceEnv,
  startServiceProcess,
} from '../test/support/stack';
import { type Scenario, UNLIMITED } from './bench-workload';

export type SystemId = 'ours' | 'naive' | 'passthrough';
export const SYSTEMS: SystemId[] = ['ours', 'naive', 'passthrough'];

export interface SystemUnderTest {
  id: SystemId;
  app: ChildApp;
  /** The consumer group whose committed offsets say an input is done. */
  groupId: string;
  /** Shipments projected so far; null for the passthrough, which keeps none. */
  projected(): Promise<number | null>;
  stop(): Promise<void>;
}

export interface SystemRun {
  scenario: Scenario;
  topics: RunTopics;
  carrierUrl: string;
  partitions: number;
  logDir: string;
  /** Extra environment for our service (experiments: `--service-env WORKER_CONCURRENCY=128`). */
  serviceEnv: Record<string, string>;
  runtime: ServiceRuntime;
}

const RATE_ENV: Record<Scenario['api'], string> = {
  'amazon-shipping-v2': 'CARRIER_RATE_SHIPPING_V2',
  'amazon-mfn-mws': 'CARRIER_RATE_MFN_MWS',
  'amazon-mfn-v0': 'CARRIER_RATE_MFN_V0',
};

export async function startSystem(id: SystemId, run: SystemRun): Promise<SystemUnderTest> {
  const limit = run.scenario.limit ?? UNLIMITED;
  const groupId = `bench-${id}-${path.basename(run.logDir)}-${run.scenario.id}`;
  const logFile = path.join(run.logDir, `${run.scenario.id}-${id}.log`);
  if (id === 'passthrough') {
    const app = await ChildApp.start({
      script: 'apps/shipment-cancellation/bench/passthrough/main.ts',
      tsconfig: 'apps/shipment-cancellation/tsconfig.json',
      env: {
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_GROUP_ID: groupId,
        KAFKA_TOPIC_PARTITIONS: String(run.partitions),
        TOPIC_ORDER_CANCELLED: run.topics.orderCancelled,
        TOPIC_SHIPMENT_CANCELLED: run.topics.shipmentCancelled,
      },
      logFile,
      ready: (url) => answers(url),
    });
    return { id, app, groupId, projected: async () => null, stop: () => app.stop() };
  }

  const databaseUrl =
    id === 'ours'
      ? await freshDatabase('oms_cancellation_bench')
      : await recreateDatabase('oms_cancellation_bench_naive');
  const env = serviceEnv(
    { databaseUrl, topics: run.topics, groupId, carrierUrl: run.carrierUrl, partitions: run.partitions },
    {
      [RATE_ENV[run.scenario.api]]: `${limit.ratePerSecond}/s,burst ${limit.burst}`,
      LOG_LEVEL: 'warn',
      ...(id === 'ours' ? run.serviceEnv : {}),
    },
  );
  const app =
    id === 'ours'
      ? await startServiceProcess(env, logFile, 90_000, run.runtime)
      : await ChildApp.start({
          script: 'apps/shipment-cancellation/bench/naive/main.ts',
          tsconfig: 'apps/shipment-cancellation/tsconfig.json',
          env,
          logFile,
          ready: (url) => answers(`${url}/health`),
        });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const table = id === 'ours' ? 'shipment' : 'naive_shipment';
  return {
    id,
    app,
    // ServerKafka appends '-server' to the configured group id.
    groupId: id === 'naive' ? `${groupId}-server` : groupId,
    projected: async () => {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return rows[0]?.n ?? 0;
    },
    stop: async () => {
      await app.stop();
      await db.end();
    },
  };
}

/** Waits until the system has projected every ShipmentPurchased (the backlog must meet a full projection). */
export async function waitForProjection(
  system: SystemUnderTest,
  shipments: number,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let reported = started;
  await waitFor(
    `${system.id} to project ${shipments} shipments`,
    async () => {
      const n = await system.projected();
      if (n !== null && Date.now() - reported > 5_000) {
        console.log(
          `  ${system.id}: projected ${n.toLocaleString('en')}/${shipments.toLocaleString('en')} shipments`,
        );
        reported = Date.now();
      }
      return n === null || n >= shipments ? true : undefined;
    },
    timeoutMs,
  );
  return Date.now() - started;
}

export const benchResultsDir = path.join(repoRoot, 'bench-results');
