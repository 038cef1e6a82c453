// Runs apps/carrier-sandbox as a child process (apps never import each other) and drives its control API.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { SandboxShipment } from '../../scripts/sandbox-shipments';
import { freePort, waitFor } from './ports';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export type { SandboxShipment };

/** GET /__sandbox/counters. */
export interface SandboxCounters {
  calls: Record<string, { total: number; byOutcome: Record<string, number> }>;
  stateChangingCancels: { total: number; shipments: number; perShipment: Record<string, number> };
  cancelRequestsPerShipment: Record<string, number>;
  throttled: { total: number; byBucket: Record<string, number> };
  faultsInjected: unknown;
  /** Per "<api.operation>|<seller>": requests, and those beyond the configured rate and burst (answered or not). */
  rateLimit: { requests: Record<string, number>; overLimit: Record<string, number>; overLimitTotal: number };
}

/**
 * A request over its limit as the sandbox saw it: gaps (ms) to the arrivals before it, how much later it would
 * have fitted, its loop's worst stall so far and around it (the last two absent from an older sandbox), and how
 * late probes' bytes reached it around it.
 */
export interface OverLimitEvent {
  bucket: string;
  at: string;
  gapsMs: number[];
  shortMs?: number;
  loopDelayMaxMs: number;
  loopDelayNearMs?: number;
  deliveryLagNearMs?: number;
}

/** One over-limit request's story in a sentence: what a reader needs to tell our bug from the sandbox's lag. */
export function describeOverLimit(e: OverLimitEvent): string {
  return (
    `at ${e.at}, ${e.gapsMs.join('/')} ms after the arrivals before it` +
    (e.shortMs === undefined ? '' : `, ${e.shortMs} ms short of fitting`) +
    ` (sandbox loop stalled up to ${e.loopDelayMaxMs} ms` +
    (e.loopDelayNearMs === undefined ? '' : `, ${e.loopDelayNearMs} ms around it`) +
    (e.deliveryLagNearMs === undefined
      ? ''
      : `; probes reached it up to ${e.deliveryLagNearMs} ms late around it`) +
    ')'
  );
}

export class SandboxProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(env: Record<string, string> = {}): Promise<SandboxProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/carrier-sandbox/src/main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: 'apps/carrier-sandbox/tsconfig.json',
        SANDBOX_PORT: String(port),
        SANDBOX_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const sandbox = new SandboxProcess(`http://127.0.0.1:${port}`, child);
    await waitFor(
      'the carrier sandbox to answer',
      async () => ((await fetch(`${sandbox.url}/health`)).ok ? true : undefined),
      60_000,
    );
    return sandbox;
  }

  async control<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/__sandbox/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sandbox ${method} ${route} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async seed(shipments: Array<Record<string, unknown>>): Promise<SandboxShipment[]> {
    const created = await this.control<{ shipments: SandboxShipment[] } | SandboxShipment[]>(
      'POST',
      'shipments',
      shipments,
    );
    return Array.isArray(created) ? created : created.shipments;
  }

  setFaults(profile: Record<string, unknown>): Promise<unknown> {
    return this.control('PUT', 'faults', profile);
  }

  setRateLimits(limits: Record<string, unknown> | null): Promise<unknown> {
    return this.control('PUT', 'rate-limits', limits);
  }

  counters(): Promise<SandboxCounters> {
    return this.control('GET', 'counters');
  }

  shipment(carrierShipmentId: string): Promise<SandboxShipment & { history: unknown[] }> {
    return this.control('GET', `shipments/${encodeURIComponent(carrierShipmentId)}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
