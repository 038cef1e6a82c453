// Several compiled service processes in one consumer group on one database: what scenarios d–f start, kill
// (SIGKILL, no shutdown hook) and add while a backlog drains.
import path from 'node:path';
import { Client } from 'pg';
import type { ChildApp } from '../test/support/child-app';
import { type RunTopics, type ServiceRuntime, serviceEnv, startServiceProcess } from '../test/support/stack';
import type { FleetScenario } from './fleet-workload';

const RATE_ENV: Record<string, string> = {
  'amazon-shipping-v2': 'CARRIER_RATE_SHIPPING_V2',
  'amazon-mfn-mws': 'CARRIER_RATE_MFN_MWS',
  'amazon-mfn-v0': 'CARRIER_RATE_MFN_V0',
};

export interface FleetOptions {
  scenario: FleetScenario;
  databaseUrl: string;
  topics: RunTopics;
  groupId: string;
  carrierUrl: string;
  partitions: number;
  logDir: string;
  serviceEnv: Record<string, string>;
  runtime: ServiceRuntime;
}

export class Fleet {
  /** Every instance ever started, dead ones included: their CPU counts for the phase they died in. */
  readonly started: ChildApp[] = [];
  private readonly db: Client;
  private serial = 0;

  constructor(private readonly options: FleetOptions) {
    this.db = new Client({ connectionString: options.databaseUrl });
  }

  async connect(): Promise<void> {
    await this.db.connect();
  }

  get live(): ChildApp[] {
    return this.started.filter((app) => app.alive);
  }

  get pids(): number[] {
    return this.started.map((app) => app.pid);
  }

  /** What runPhase watches: the drain is stuck only when every instance is gone. */
  get asSystem(): { id: 'ours'; app: { alive: boolean } } {
    const live = () => this.live.length > 0;
    return {
      id: 'ours',
      app: {
        get alive() {
          return live();
        },
      },
    };
  }

  async start(): Promise<ChildApp> {
    const { scenario } = this.options;
    this.serial += 1;
    const rates = Object.fromEntries(
      Object.entries(scenario.limits).map(([api, limit]) => [
        RATE_ENV[api] ?? api,
        `${limit.ratePerSecond}/s,burst ${limit.burst}`,
      ]),
    );
    const env = serviceEnv(
      {
        databaseUrl: this.options.databaseUrl,
        topics: this.options.topics,
        groupId: this.options.groupId,
        carrierUrl: this.options.carrierUrl,
        partitions: this.options.partitions,
      },
      { ...rates, LOG_LEVEL: 'warn', ...this.options.serviceEnv },
    );
    const logFile = path.join(this.options.logDir, `${scenario.id}-ours-${this.serial}.log`);
    const app = await startServiceProcess(env, logFile, 90_000, this.options.runtime);
    this.started.push(app);
    return app;
  }

  /** Starts or stops (SIGTERM) instances until `n` run. */
  async resize(n: number): Promise<void> {
    while (this.live.length < n) await this.start();
    while (this.live.length > n) await this.live[this.live.length - 1]?.stop();
  }

  /** SIGKILLs the oldest live instance (it has held partitions, and so leases, longest). */
  async kill(): Promise<number> {
    const victim = this.live[0];
    if (!victim) throw new Error('no live instance to kill');
    await victim.kill();
    return victim.pid;
  }

  async projected(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM shipment');
    return rows[0]?.n ?? 0;
  }

  async stop(): Promise<void> {
    for (const app of this.live) await app.stop().catch(() => undefined);
    await this.db.end().catch(() => undefined);
  }
}
