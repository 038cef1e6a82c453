// Acceptance bench (not a test): 1,000 MWS cancels through CarrierCancelClient against a local server that
// meters arrivals with Amazon's CancelShipment bucket (quota 10, restore 5/s) and answers 429 beyond it.
//   SWC_NODE_PROJECT=libs/carrier-cancel/tsconfig.json \
//     node -r @swc-node/register libs/carrier-cancel/scripts/throttle-bench.ts
// The server runs in a child process so that the client's event loop cannot flatter the figures.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CarrierCancelClient } from '../src';
import type { CancelOutcome } from '../src';

const CANCELS = Number(process.env['BENCH_CANCELS'] ?? 1_000);
const BURST = 10;
const RATE = 5;
const PATH = '/api/mws/shipment/CancelShipment';

interface ServerStats {
  accepted: number;
  overLimit: number;
}

function runServer(): void {
  let tokens = BURST;
  let last = performance.now();
  const stats: ServerStats = { accepted: 0, overLimit: 0 };
  const server = createServer((req, res) => {
    // Metered on arrival, before the body is read: this is what Amazon's bucket sees.
    const now = performance.now();
    req.resume();
    if (req.method === 'POST' && req.url === '/auth/o2/token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'Atza|bench-token', token_type: 'bearer', expires_in: 3600 }));
      return;
    }
    if (req.method !== 'POST' || req.url !== PATH) {
      res.writeHead(404).end();
      return;
    }
    tokens = Math.min(BURST, tokens + ((now - last) * RATE) / 1000);
    last = now;
    const requestId = `bench-${stats.accepted + stats.overLimit + 1}`;
    if (tokens < 1) {
      stats.overLimit += 1;
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-RequestId': requestId });
      res.end(JSON.stringify({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota.' }] }));
      return;
    }
    tokens -= 1;
    stats.accepted += 1;
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-RequestId': requestId });
    res.end(
      JSON.stringify({
        CancelShipmentResult: { Shipment: { ShipmentId: requestId, Status: 'RefundApplied', ItemList: [] } },
        ResponseMetadata: { RequestId: requestId },
      }),
    );
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') process.send?.({ stats });
    if (message.type === 'stop') server.close(() => process.exit(0));
  });
}

async function runClient(): Promise<void> {
  const child = fork(__filename, ['--server'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (message: { port: number }) => resolve(message.port)),
  );
  const base = `http://127.0.0.1:${port}`;
  const client = new CarrierCancelClient({
    endpoints: { lwaTokenUrl: `${base}/auth/o2/token`, mwsBridge: base },
    credentials: () => ({
      clientId: 'bench-client',
      clientSecret: 'bench-secret',
      refreshToken: 'Atzr|bench',
    }),
  });

  const theoreticalS = (CANCELS - BURST) / RATE;
  console.log(`firing ${CANCELS} MWS cancels at a ${BURST}-burst / ${RATE}-per-second server…`);
  const started = performance.now();
  const progress = setInterval(() => {
    console.log(
      `  ${Math.round((performance.now() - started) / 1000)} s: next token in ${client.nextTokenInMs({ api: 'amazon-mfn-mws', sellerAccount: 'bench-seller' })} ms`,
    );
  }, 30_000);
  const outcomes: CancelOutcome[] = await Promise.all(
    Array.from({ length: CANCELS }, (_, i) =>
      client.cancel({
        api: 'amazon-mfn-mws',
        carrierShipmentId: `bench-shipment-${i}`,
        sellerAccount: 'bench-seller',
        marketplaceId: 'ATVPDKIKX0DER',
        // All 1,000 are queued at once, so the budget must cover the whole run.
        deadlineMs: 600_000,
      }),
    ),
  );
  const elapsedS = (performance.now() - started) / 1000;
  clearInterval(progress);

  child.send({ type: 'stats' });
  const stats = await new Promise<ServerStats>((resolve) =>
    child.on('message', (message: { stats?: ServerStats }) => message.stats && resolve(message.stats)),
  );
  child.send({ type: 'stop' });
  await client.close();

  const kinds: Record<string, number> = {};
  for (const o of outcomes) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  const completed = kinds['voided'] ?? 0;
  const attempts = outcomes.reduce((sum, o) => sum + o.attempts, 0);
  const ratio = elapsedS / theoreticalS;
  const ok = stats.overLimit === 0 && completed === CANCELS && ratio >= 1 && ratio <= 1.1;

  console.log(`requests over the limit (429s answered): ${stats.overLimit}   (must be 0)`);
  console.log(`cancels completed:                       ${completed} / ${CANCELS}   (must be ${CANCELS})`);
  console.log(`outcomes:                                ${JSON.stringify(kinds)}`);
  console.log(`HTTP attempts:                           ${attempts} (server accepted ${stats.accepted})`);
  console.log(`elapsed:                                 ${elapsedS.toFixed(2)} s`);
  console.log(
    `theoretical minimum:                     ${theoreticalS.toFixed(2)} s  ((${CANCELS} - ${BURST}) / ${RATE})`,
  );
  console.log(`elapsed / minimum:                       ${ratio.toFixed(4)}   (must be within 10%)`);
  console.log(ok ? 'PASS' : 'FAIL');
  process.exit(ok ? 0 : 1);
}

if (process.argv.includes('--server')) runServer();
else
  void runClient().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
