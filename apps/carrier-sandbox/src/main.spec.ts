import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

// The one-command start, as `nx serve` and the service's tests run it: a child process, env config.
const repoRoot = path.resolve(__dirname, '../../..');

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/carrier-sandbox/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, SWC_NODE_PROJECT: 'apps/carrier-sandbox/tsconfig.json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (predicate: (line: string) => boolean): Promise<string> => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const found = lines.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no such line; got:\n${lines.join('\n')}`);
  };
  return { child, lines, exited, waitFor };
}

describe('main (npx nx serve carrier-sandbox)', () => {
  jest.setTimeout(30_000);

  it('prints its URL, serves the demo dataset, logs JSON and stops on SIGTERM', async () => {
    const app = startMain({ SANDBOX_PORT: '0', SANDBOX_SEED_DEMO: 'true' });
    try {
      const listening = JSON.parse(await app.waitFor((l) => l.includes('carrier-sandbox listening'))) as {
        url: string;
      };
      expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${listening.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', shipments: 18 });
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(app.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
      for (const line of app.lines) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      app.child.kill('SIGKILL');
    }
  });

  it('refuses to start on invalid configuration, naming the variable', async () => {
    const app = startMain({ SANDBOX_PORT: 'eighty' });
    expect(await app.exited).toBe(1);
    const errors = app.lines.map((l) => JSON.parse(l) as { msg: string; error: string });
    expect(errors).toEqual([
      {
        level: 'error',
        msg: 'invalid configuration',
        error: expect.stringMatching(/^SANDBOX_PORT="eighty" is invalid/),
      },
    ]);
  });
});
