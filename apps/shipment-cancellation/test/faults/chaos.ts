// The faults a run injects: SIGKILL of the service (restarted each time), kill -9 of the Kafka broker, a
// Postgres restart, and the sandbox's carrier fault profiles (5xx, timeouts, dropped answers, 429 storms).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ChildApp } from '../support/child-app';
import { repoRoot } from '../support/child-app';
import type { SandboxProcess } from '../support/sandbox';
import { startServiceProcess } from '../support/stack';

// Async, never execFileSync: the publisher and the supervisor keep running while the broker comes back.
const run = promisify(execFile);

export interface ChaosEvent {
  at: string;
  what: string;
  detail?: string;
}

export class ChaosLog {
  readonly events: ChaosEvent[] = [];

  constructor(private readonly quiet = false) {}

  note(what: string, detail?: string): void {
    this.events.push({ at: new Date().toISOString(), what, ...(detail ? { detail } : {}) });
    if (!this.quiet)
      console.log(
        `  [chaos ${new Date().toISOString().slice(11, 19)}] ${what}${detail ? `: ${detail}` : ''}`,
      );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps one service process running; kills it with SIGKILL on request and starts a new one. */
export class ServiceSupervisor {
  private app: ChildApp | null = null;
  kills = 0;
  startFailures = 0;
  readonly unexpectedExits: string[] = [];
  private readonly expectedExits = new Set<number>();

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly log: ChaosLog,
  ) {}

  get running(): ChildApp | null {
    return this.app?.alive ? this.app : null;
  }

  /** Starts the service, retrying while Kafka or Postgres are down (a restart may land in their outage). */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.app = await startServiceProcess(this.env, this.logFile, 60_000);
        const app = this.app;
        app.child.once('exit', (code, signal) => {
          if (!this.expectedExits.has(app.pid))
            this.unexpectedExits.push(`pid ${app.pid} exited code=${code} signal=${signal}`);
        });
        return;
      } catch (error) {
        this.startFailures += 1;
        if (attempt >= 20) throw error;
        this.log.note('service start failed, retrying', (error as Error).message.slice(0, 160));
        await sleep(2_000);
      }
    }
  }

  async killAndRestart(): Promise<void> {
    const app = this.app;
    if (app) {
      this.expectedExits.add(app.pid);
      await app.kill();
      this.kills += 1;
      this.log.note(`SIGKILL service #${this.kills}`, `pid ${app.pid}`);
    }
    await this.start();
    this.log.note('service restarted', `pid ${this.app?.pid}`);
  }

  /** Graceful stop at the end: SIGTERM; the exit code says whether the shutdown path worked. */
  async stop(): Promise<number | null> {
    const app = this.app;
    if (!app?.alive) return null;
    this.expectedExits.add(app.pid);
    const code = new Promise<number | null>((resolve) => app.child.once('exit', (c) => resolve(c)));
    await app.stop(40_000);
    return code;
  }
}

/** kill -9 of the broker recorded by infra/infra.sh, then `infra up` again; false when we did not start it. */
export async function killBroker(log: ChaosLog, downMs: number): Promise<boolean> {
  const pidFile = path.join(repoRoot, '.infra', 'kafka', 'kafka.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
  if (!Number.isInteger(pid) || !alive(pid)) {
    log.note('broker kill skipped', 'no broker started by infra/infra.sh (pid file missing or dead)');
    return false;
  }
  process.kill(pid, 'SIGKILL');
  log.note('kill -9 Kafka broker', `pid ${pid}`);
  while (alive(pid)) await sleep(50);
  await sleep(downMs);
  const started = Date.now();
  await run('bash', [path.join(repoRoot, 'infra', 'infra.sh'), 'up'], { timeout: 180_000 });
  log.note('Kafka broker restarted', `${((Date.now() - started) / 1000).toFixed(1)} s to ready`);
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Restarts the machine's Postgres cluster (every connection is cut); false when it cannot. */
export async function restartPostgres(log: ChaosLog): Promise<boolean> {
  const cluster = (process.env['FAULTS_PG_CLUSTER'] ?? '15 main').split(' ');
  const attempts = [
    ['--skip-systemctl-redirect', ...cluster, 'restart'],
    [...cluster, 'restart'],
  ];
  for (const args of attempts) {
    try {
      const started = Date.now();
      await run('pg_ctlcluster', args, { timeout: 60_000 });
      log.note(
        'Postgres restarted',
        `pg_ctlcluster ${args.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return true;
    } catch {
      // Older pg_ctlcluster has no --skip-systemctl-redirect; try without.
    }
  }
  log.note('Postgres restart skipped', 'pg_ctlcluster failed');
  return false;
}

/** The carrier's background trouble for the whole run: 5xx, timeouts and dropped answers. */
export function baselineFaults(seed: string): Record<string, unknown> {
  return {
    seed: `${seed}/carrier`,
    latency: { uniform: { min: 2, max: 40 } },
    errorRates: { '500': 0.03, '502': 0.01, '503': 0.03 },
    timeoutRate: 0.01,
    dropAfterActRate: 0.03,
  };
}

/** A 429 storm on top of the baseline, for `ms`, then back. */
export async function stormOf429(
  sandbox: SandboxProcess,
  seed: string,
  ms: number,
  log: ChaosLog,
): Promise<void> {
  const base = baselineFaults(seed);
  await sandbox.setFaults({
    ...base,
    seed: `${seed}/storm`,
    errorRates: { ...(base['errorRates'] as object), '429': 0.6 },
  });
  log.note('429 storm on', `60% of carrier calls answer 429 for ${ms / 1000} s`);
  await sleep(ms);
  await sandbox.setFaults(base);
  log.note('429 storm off');
}

/** Squeezes Shipping v2 to 10/s burst 5 at the carrier (real 429s from its buckets), for `ms`, then back. */
export async function squeezeRateLimits(sandbox: SandboxProcess, ms: number, log: ChaosLog): Promise<void> {
  await sandbox.setRateLimits({ 'amazon-shipping-v2': { ratePerSecond: 10, burst: 5 } });
  log.note('rate-limit squeeze on', `Shipping v2 at 10/s burst 5 for ${ms / 1000} s`);
  await sleep(ms);
  await sandbox.setRateLimits({ 'amazon-shipping-v2': { ratePerSecond: 80, burst: 100 } });
  log.note('rate-limit squeeze off');
}
