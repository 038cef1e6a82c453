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

/**
 * Keeps `instances` service processes running in one consumer group, each with its own log and HTTP (metrics
 * and admin) port. Each kill SIGKILLs the next instance in turn, so kills spread over all of them and land
 * while the others hold work in flight; the killed one is started again at once and joins the group.
 */
export class ServiceSupervisor {
  private readonly apps: Array<ChildApp | null>;
  private nextVictim = 0;
  kills = 0;
  startFailures = 0;
  readonly unexpectedExits: string[] = [];
  private readonly expectedExits = new Set<number>();

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: (instance: number) => string,
    private readonly log: ChaosLog,
    readonly instances = 1,
  ) {
    this.apps = Array.from({ length: instances }, () => null);
  }

  /** The instances alive now. */
  get running(): ChildApp[] {
    return this.apps.filter((app): app is ChildApp => app?.alive === true);
  }

  /** Starts every instance that is not running. */
  async start(): Promise<void> {
    for (let i = 0; i < this.instances; i++) if (!this.apps[i]?.alive) await this.startInstance(i);
  }

  async killAndRestart(): Promise<void> {
    const i = this.nextVictim;
    this.nextVictim = (i + 1) % this.instances;
    const app = this.apps[i];
    if (app?.alive) {
      this.expectedExits.add(app.pid);
      await app.kill();
      this.kills += 1;
      this.log.note(`SIGKILL service #${this.kills}`, `${this.name(i)}pid ${app.pid}`);
    }
    await this.startInstance(i);
    this.log.note('service restarted', `${this.name(i)}pid ${this.apps[i]?.pid}`);
  }

  /** Graceful stop at the end: SIGTERM to all at once; each exit code says whether the shutdown path worked. */
  async stop(): Promise<Array<number | null>> {
    return Promise.all(
      this.apps.map(async (app) => {
        if (!app?.alive) return null;
        this.expectedExits.add(app.pid);
        const code = new Promise<number | null>((resolve) => app.child.once('exit', (c) => resolve(c)));
        await app.stop(40_000);
        return code;
      }),
    );
  }

  /** SIGKILL of whatever still runs (a run that failed half-way). */
  async killAll(): Promise<void> {
    for (const app of this.running) {
      this.expectedExits.add(app.pid);
      await app.kill();
    }
  }

  private name(i: number): string {
    return this.instances === 1 ? '' : `instance ${i + 1}, `;
  }

  /** Starts one instance, retrying while Kafka or Postgres are down (a restart may land in their outage). */
  private async startInstance(i: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const app = await startServiceProcess(this.env, this.logFile(i), 60_000);
        this.apps[i] = app;
        app.child.once('exit', (code, signal) => {
          if (!this.expectedExits.has(app.pid))
            this.unexpectedExits.push(`${this.name(i)}pid ${app.pid} exited code=${code} signal=${signal}`);
        });
        return;
      } catch (error) {
        this.startFailures += 1;
        if (attempt >= 20) throw error;
        this.log.note(
          `${this.name(i)}service start failed, retrying`,
          (error as Error).message.slice(0, 160),
        );
        await sleep(2_000);
      }
    }
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

/** The sandbox's count of requests over the configured limit, per "<api.operation>|<seller>". */
export async function overLimitCounts(sandbox: SandboxProcess): Promise<Record<string, number>> {
  const counters = await sandbox.control<{ rateLimit?: { overLimit: Record<string, number> } }>(
    'GET',
    'counters?view=totals',
  );
  if (!counters.rateLimit)
    throw new Error('the sandbox reports no rateLimit counters: it cannot tell requests over the limit');
  return counters.rateLimit.overLimit;
}

/**
 * Squeezes Shipping v2 to 10/s burst 5 at the carrier (real 429s from its buckets), for `ms`, then back.
 * Returns the Shipping v2 requests counted over the limit meanwhile: the limit changed without notice, and no
 * caller learns the new one before its first answer (nor the burst at all), so the checker excuses them.
 */
export async function squeezeRateLimits(
  sandbox: SandboxProcess,
  ms: number,
  log: ChaosLog,
): Promise<Record<string, number>> {
  const before = await overLimitCounts(sandbox);
  await sandbox.setRateLimits({ 'amazon-shipping-v2': { ratePerSecond: 10, burst: 5 } });
  log.note('rate-limit squeeze on', `Shipping v2 at 10/s burst 5 for ${ms / 1000} s`);
  await sleep(ms);
  await sandbox.setRateLimits({ 'amazon-shipping-v2': { ratePerSecond: 80, burst: 100 } });
  // Requests that arrived during the squeeze and still sit in a latency fault (at most 40 ms) are counted
  // against the squeezed limit; after them the restored bucket starts full, so nothing is over without cause.
  await sleep(200);
  const after = await overLimitCounts(sandbox);
  const excused: Record<string, number> = {};
  for (const [key, n] of Object.entries(after)) {
    const during = n - (before[key] ?? 0);
    if (key.startsWith('amazon-shipping-v2.') && during > 0) excused[key] = during;
  }
  const total = Object.values(excused).reduce((sum, n) => sum + n, 0);
  log.note('rate-limit squeeze off', `${total} Shipping v2 request(s) over the squeezed limit, excused`);
  return excused;
}
