// The service as a real process, for tests that kill it.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, waitFor } from './ports';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export class ServiceProcess {
  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
  ) {}

  static async start(env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/shipment-cancellation/src/main.ts'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: 'apps/shipment-cancellation/tsconfig.json',
          ...env,
          HTTP_PORT: String(port),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const service = new ServiceProcess(`http://127.0.0.1:${port}`, child);
    await waitFor(
      'the service to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
        return (await fetch(`${service.url}/health/ready`)).ok ? true : undefined;
      },
      60_000,
    );
    return service;
  }

  /** kill -9: no shutdown hook runs, whatever was in flight is cut off. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    return exited;
  }
}
