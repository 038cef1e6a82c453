// Cancel throughput of the sandbox with faults and rate limits off. The sandbox runs as a child process so
// the load generator (undici, keep-alive) does not share its event loop.
//   SWC_NODE_PROJECT=apps/carrier-sandbox/tsconfig.json node -r @swc-node/register apps/carrier-sandbox/bench/throughput.ts
// Env: BENCH_SHIPMENTS (60000), BENCH_CONNECTIONS (64), BENCH_PIPELINING (1), BENCH_MIN_RPS (5000).
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Pool, request } from 'undici';

const repoRoot = path.resolve(__dirname, '../../..');
const shipments = Number(process.env['BENCH_SHIPMENTS'] ?? 60_000);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const pipelining = Number(process.env['BENCH_PIPELINING'] ?? 1);
const minRps = Number(process.env['BENCH_MIN_RPS'] ?? 5_000);
const warmup = Math.min(5_000, Math.floor(shipments / 10));
const SEED_BATCH = 30_000;

function startSandbox(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/carrier-sandbox/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: 'apps/carrier-sandbox/tsconfig.json',
      SANDBOX_PORT: '0',
      SANDBOX_SEED_DEMO: 'false',
      SANDBOX_RATE_LIMITS: 'off',
      SANDBOX_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`sandbox exited early with code ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'carrier-sandbox listening' && parsed.url) {
          clearTimeout(timer);
          resolve({ child, url: parsed.url });
        }
      } catch {
        // not a JSON line: ignore
      }
    });
  });
}

async function json(url: string, method: 'GET' | 'POST', body?: unknown, form?: string): Promise<unknown> {
  const res = await request(url, {
    method,
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const { child, url } = await startSandbox();
  try {
    const ids = Array.from({ length: shipments }, (_, i) => `9${String(i).padStart(13, '0')}`);
    const seedStarted = performance.now();
    for (let i = 0; i < ids.length; i += SEED_BATCH) {
      const batch = ids.slice(i, i + SEED_BATCH).map((carrierShipmentId) => ({
        api: 'amazon-shipping-v2',
        carrierShipmentId,
        orderId: `bench-${carrierShipmentId}`,
        businessId: 'AmazonShipping_UK',
        sellerAccount: 'seller-bench-1',
        labelCost: { amount: '3.99', currency: 'GBP' },
      }));
      await json(`${url}/__sandbox/shipments?view=ids`, 'POST', batch);
    }
    const seedMs = performance.now() - seedStarted;
    const token = (await json(
      `${url}/auth/o2/token`,
      'POST',
      undefined,
      'grant_type=refresh_token&refresh_token=Atzr%7Csandbox-refresh-token&client_id=amzn1.application-oa2-client.sandbox&client_secret=sandbox-client-secret',
    )) as { access_token: string };

    const pool = new Pool(url, { connections, pipelining });
    const headers = {
      'x-amz-access-token': token.access_token,
      'x-amzn-shipping-business-id': 'AmazonShipping_UK',
    };
    const statuses = new Map<string, number>();
    const latencies = new Float64Array(shipments - warmup);

    const run = async (from: number, to: number, record: boolean): Promise<number> => {
      let next = from;
      const started = performance.now();
      const worker = async (): Promise<void> => {
        for (let i = next++; i < to; i = next++) {
          const t0 = performance.now();
          let outcome: string;
          try {
            const res = await pool.request({
              path: `/shipping/v2/shipments/${ids[i]}/cancel`,
              method: 'PUT',
              headers,
            });
            await res.body.dump();
            outcome = String(res.statusCode);
          } catch (err) {
            outcome = `error:${(err as Error).name}`;
          }
          if (record) {
            latencies[i - from] = performance.now() - t0;
            statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
          }
        }
      };
      await Promise.all(Array.from({ length: connections * pipelining }, worker));
      return performance.now() - started;
    };

    await run(0, warmup, false);
    const elapsedMs = await run(warmup, shipments, true);
    await pool.close();

    latencies.sort();
    const measured = shipments - warmup;
    const rps = measured / (elapsedMs / 1000);
    const errors = measured - (statuses.get('200') ?? 0);
    const counters = (await json(`${url}/__sandbox/counters`, 'GET')) as {
      stateChangingCancels: { total: number; shipments: number };
    };
    const result = {
      shipmentsSeeded: shipments,
      seedMs: Math.round(seedMs),
      requests: measured,
      warmupRequests: warmup,
      connections,
      pipelining,
      durationMs: Math.round(elapsedMs),
      requestsPerSecond: Math.round(rps),
      latencyMs: {
        p50: +percentile(latencies, 50).toFixed(2),
        p90: +percentile(latencies, 90).toFixed(2),
        p99: +percentile(latencies, 99).toFixed(2),
        max: +(latencies[latencies.length - 1] ?? 0).toFixed(2),
      },
      statuses: Object.fromEntries(statuses),
      errors,
      sandboxStateChangingCancels: {
        total: counters.stateChangingCancels.total,
        shipments: counters.stateChangingCancels.shipments,
      },
      pass: rps >= minRps && errors === 0 && counters.stateChangingCancels.total === shipments,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `carrier-sandbox cancel throughput: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, ` +
        `p99 ${result.latencyMs.p99} ms, errors ${errors} → ${result.pass ? 'PASS' : 'FAIL'} (min ${minRps} req/s)`,
    );
    process.exitCode = result.pass ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
