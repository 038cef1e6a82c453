// A TypeScript entry point run as its own node process (the service, the naive baseline, the passthrough),
// with its output in a log file, so benches can read its memory and fault runs can SIGKILL it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export interface ChildAppOptions {
  /** Path of the entry .ts file, from the repository root. */
  script: string;
  /** Node arguments instead of `-r @swc-node/register <script>` (e.g. a compiled entry point). */
  nodeArgs?: string[];
  /** tsconfig for @swc-node/register, from the repository root. */
  tsconfig: string;
  env: Record<string, string>;
  /** stdout and stderr go here (appended); omitted: discarded, stderr inherited. */
  logFile?: string;
  /** Resolves true once the app can take work; given the HTTP port set in HTTP_PORT. */
  ready: (url: string) => Promise<boolean>;
  timeoutMs?: number;
}

export class ChildApp {
  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(options: ChildAppOptions): Promise<ChildApp> {
    const port = await freePort();
    let stdio: Array<'ignore' | 'inherit' | 'pipe'> = ['ignore', 'ignore', 'inherit'];
    if (options.logFile) {
      mkdirSync(path.dirname(options.logFile), { recursive: true });
      stdio = ['ignore', 'pipe', 'pipe'];
    }
    const child = spawn(process.execPath, options.nodeArgs ?? ['-r', '@swc-node/register', options.script], {
      cwd: repoRoot,
      env: { ...process.env, SWC_NODE_PROJECT: options.tsconfig, ...options.env, HTTP_PORT: String(port) },
      stdio,
    });
    if (options.logFile) {
      const log = createWriteStream(options.logFile, { flags: 'a' });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      child.once('exit', (code, signal) => log.end(`[child-app] exited code=${code} signal=${signal}\n`));
    }
    const app = new ChildApp(`http://127.0.0.1:${port}`, child);
    // Own loop rather than waitFor: an exit must fail at once, not after the timeout.
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while (!(await options.ready(app.url))) {
      if (!app.alive)
        throw new Error(`${options.script} exited during start (${child.exitCode ?? child.signalCode})`);
      if (Date.now() > deadline) {
        await app.kill();
        throw new Error(`${options.script} was not ready within ${options.timeoutMs ?? 60_000} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return app;
  }

  /** kill -9: no shutdown hook runs. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM and wait for the exit; SIGKILL after `graceMs`. */
  async stop(graceMs = 40_000): Promise<void> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.signal('SIGTERM');
    clearTimeout(timer);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

/** True when GET url answers 2xx. */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Resident memory of a process in MB: now (VmRSS) and the peak of its lifetime (VmHWM). */
export function residentMemory(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}
