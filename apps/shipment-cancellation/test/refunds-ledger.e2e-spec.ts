// Billing never calls back: the reference consumer apps/refunds-ledger, installed with @oms/events as a packed
// package in a project of its own, rebuilds the label refunds of a mixed workload from the outcome topics alone
// and books exactly what the carrier sandbox says was refunded. MWS bridge refunds are `unconfirmed` in our
// events (the bridge cannot read them back), so the ledger does not book them and they are left out here too.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { amountInCurrency, EventTypes, type AnyEvent } from '@oms/events';
import { AdminApiClient, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import type { Collected } from './support/kafka';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import { type SandboxShipment } from './support/sandbox';
import { orderCancelled, purchase, type ShipmentSpec } from './support/scenario';
import { hoursFromNow } from './support/outcomes';

const repo = path.resolve(__dirname, '..', '..', '..');
const ledgerSources = path.join(repo, 'apps', 'refunds-ledger', 'src');
const tsc = require.resolve('typescript/bin/tsc');
// A clean environment: `npm test` passes its own npm settings (npm_config_*) down to its children.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

interface Total {
  sellerAccount: string;
  currency: string;
  amount: string;
  cancellations: number;
}

async function run(command: string, args: string[], cwd: string, extra: Record<string, string> = {}) {
  try {
    const { stdout } = await promisify(execFile)(command, args, {
      cwd,
      env: { ...env, ...extra },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/**
 * As libs/events/test/package.spec.ts does: builds and packs @oms/events, installs the tarball offline into a
 * project of its own, copies the ledger's sources there and compiles them against the installed package.
 * Runtime dependencies (ajv, ajv-formats, kafkajs) and @types/node are links to the repository's.
 */
async function installLedger(work: string): Promise<string> {
  const packageDir = path.join(work, 'package');
  await run(
    process.execPath,
    ['-r', '@swc-node/register', 'libs/events/scripts/build-package.ts', packageDir],
    repo,
    { SWC_NODE_PROJECT: 'libs/events/tsconfig.json' },
  );
  const [packed] = JSON.parse(
    await run('npm', ['pack', '--json', '--pack-destination', work], packageDir),
  ) as [{ filename: string }];
  const ledger = path.join(work, 'refunds-ledger');
  mkdirSync(path.join(ledger, 'node_modules', '@types'), { recursive: true });
  writeFileSync(
    path.join(ledger, 'package.json'),
    JSON.stringify({ name: 'refunds-ledger', version: '0.0.0', private: true }),
  );
  const link = (name: string): void =>
    symlinkSync(path.join(repo, 'node_modules', name), path.join(ledger, 'node_modules', name), 'dir');
  ['ajv', 'ajv-formats'].forEach(link);
  const cache = path.join(work, 'npm-cache');
  await run(
    'npm',
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--cache',
      cache,
      path.join(work, packed.filename),
    ],
    ledger,
  );
  // After the install, which removes what no dependency of the project asks for.
  ['kafkajs', '@types/node'].forEach(link);
  cpSync(ledgerSources, path.join(ledger, 'src'), {
    recursive: true,
    filter: (source) => !source.endsWith('.spec.ts'),
  });
  const config = {
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: 'commonjs',
      moduleResolution: 'node10',
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
      skipLibCheck: true,
    },
    include: ['src/**/*.ts'],
  };
  writeFileSync(path.join(ledger, 'tsconfig.json'), JSON.stringify(config));
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], ledger);
  return ledger;
}

const pastWindow = { purchasedAt: hoursFromNow(-30), cancelWindowEndsAt: hoursFromNow(-1) };
type Outcome = AnyEvent & { data: { cancellationId: string; sequence: number; final?: boolean } };

/** Each cancellation's current event (the highest sequence) among an order's outcome events. */
function currentOf(outputs: Collected[]): Outcome[] {
  const current = new Map<string, Outcome>();
  for (const { event } of outputs) {
    if (event.type !== EventTypes.shipmentCancelled && event.type !== EventTypes.shipmentCancellationFailed)
      continue;
    const outcome = event as Outcome;
    const held = current.get(outcome.data.cancellationId);
    if (!held || held.data.sequence < outcome.data.sequence)
      current.set(outcome.data.cancellationId, outcome);
  }
  return [...current.values()];
}

/** Settled: `count` cancellations, each at a final event with at least `sequence`. */
const settled =
  (count: number, sequence = 1) =>
  (outputs: Collected[]) => {
    const current = currentOf(outputs);
    return (
      current.length === count &&
      current.every(
        (e) =>
          e.data.sequence >= sequence &&
          (e.type === EventTypes.shipmentCancellationFailed || e.data.final === true),
      )
    );
  };

/** Sums exactly, in ten-thousandths (amounts carry at most 4 decimals), per seller and currency. */
function sumBySellerAndCurrency(items: Array<{ sellerAccount: string; amount: string; currency: string }>) {
  const sums = new Map<string, { sellerAccount: string; currency: string; units: bigint; count: number }>();
  for (const { sellerAccount, amount, currency } of items) {
    const [whole = '0', fraction = ''] = amount.split('.');
    const key = `${sellerAccount} ${currency}`;
    const sum = sums.get(key) ?? { sellerAccount, currency, units: 0n, count: 0 };
    sum.units += BigInt(whole) * 10_000n + BigInt(fraction.padEnd(4, '0'));
    sum.count += 1;
    sums.set(key, sum);
  }
  return [...sums.values()]
    .map((s) => {
      const digits = s.units.toString().padStart(5, '0');
      return {
        sellerAccount: s.sellerAccount,
        currency: s.currency,
        amount: amountInCurrency(`${digits.slice(0, -4)}.${digits.slice(-4)}`, s.currency),
        cancellations: s.count,
      };
    })
    .sort((a, b) => `${a.sellerAccount} ${a.currency}`.localeCompare(`${b.sellerAccount} ${b.currency}`));
}

describe('refunds ledger: a consumer that never calls back', () => {
  const operator = testKey('ops-lena', 'operator');
  const sellerA = `ledger-a-${randomUUID().slice(0, 6)}`;
  const sellerB = `ledger-b-${randomUUID().slice(0, 6)}`;
  let stack: E2eStack;
  let api: AdminApiClient;
  let work: string;
  let ledgerDir: string;
  const parties = () => ({ sandbox: stack.sandbox, kafka: stack.kafka, db: stack.db });
  const order = () => `ledger-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'oms-refunds-ledger-'));
    [stack, ledgerDir] = await Promise.all([
      startE2eStack({
        env: { ADMIN_API_KEYS: apiKeysEnv([operator]), ADMIN_RATE_LIMIT_PER_MINUTE: '100000' },
        sandboxEnv: { SANDBOX_MFN_REFUND_DELAY_MS: '300' },
      }),
      installLedger(work),
    ]);
    api = new AdminApiClient(stack.service.url, operator);
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Purchases, publishes OrderCancelled and waits until the order's `count` cancellations are final. */
  async function cancelOrder(sellerAccount: string, specs: ShipmentSpec[]) {
    const orderId = order();
    const shipments = await purchase(
      parties(),
      orderId,
      specs.map((s) => ({ sellerAccount, ...s })),
    );
    await stack.kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    const outputs = await stack.kafka.waitForOrder(orderId, settled(specs.length), 60_000);
    return { orderId, shipments, outputs };
  }

  it('books per seller and currency exactly what the carrier refunded, and redelivery changes nothing', async () => {
    const usd = (amount: string) => ({ labelCost: { amount, currency: 'USD' } });
    const eur = (amount: string) => ({ labelCost: { amount, currency: 'EUR' } });
    const de = { marketplaceId: 'A1PA6795UKMFR9' };

    // Shipping v2 (voided, refund applied), with a duplicate OrderCancelled and a re-send under a new id.
    const v2 = await cancelOrder(sellerA, [{ api: 'amazon-shipping-v2', ...usd('8.45') }]);
    const inputId = randomUUID();
    await stack.kafka.publish(EventTypes.orderCancelled, orderCancelled(v2.orderId), { id: inputId });
    await stack.kafka.publish(EventTypes.orderCancelled, orderCancelled(v2.orderId), { id: inputId });
    // Shipping v2 in yen (no minor unit) and in euros.
    await cancelOrder(sellerA, [
      {
        api: 'amazon-shipping-v2',
        businessId: 'AmazonShipping_JP',
        labelCost: { amount: '500', currency: 'JPY' },
      },
    ]);
    await cancelOrder(sellerB, [
      { api: 'amazon-shipping-v2', businessId: 'AmazonShipping_IT', ...eur('0.10') },
    ]);
    // MWS bridge: the carrier refunds, our event says `unconfirmed`; not booked.
    const mws = await cancelOrder(sellerA, [{ api: 'amazon-mfn-mws', ...usd('6.20') }]);
    expect(currentOf(mws.outputs)[0]?.data).toMatchObject({ refund: { status: 'unconfirmed' } });
    // MFN v0: refund applied (EUR, Germany) and refund rejected.
    await cancelOrder(sellerB, [
      { api: 'amazon-mfn-v0', ...de, ...eur('4.99'), forceRefundResult: 'RefundApplied' },
    ]);
    await cancelOrder(sellerB, [
      { api: 'amazon-mfn-v0', ...usd('5.10'), forceRefundResult: 'RefundRejected' },
    ]);
    // Several shipments: two Shipping v2 labels and an MFN v0 one, then a ManualReshipRequired.
    await cancelOrder(sellerA, [
      { api: 'amazon-shipping-v2', ...usd('0.20') },
      { api: 'amazon-shipping-v2', ...usd('3.33') },
      { api: 'amazon-mfn-v0', ...usd('2.22'), forceRefundResult: 'RefundApplied' },
    ]);
    // A rejection: the cancel window has expired, the label stays paid.
    await cancelOrder(sellerB, [{ api: 'amazon-shipping-v2', ...pastWindow, ...usd('11.00') }]);

    // An operator retry: the carrier extends the window, the retry voids the label (sequence 2, supersedes).
    const retried = await cancelOrder(sellerA, [
      { api: 'amazon-shipping-v2', ...pastWindow, ...eur('7.35') },
    ]);
    const retriedShipment = retried.shipments[0]?.seeded as SandboxShipment;
    await stack.sandbox.seed([
      { ...retriedShipment, cancelWindowEndsAt: hoursFromNow(5), status: 'Purchased' },
    ]);
    const retryId = currentOf(retried.outputs)[0]?.data.cancellationId as string;
    const retry = await api.post(adminPath`/cancellations/${retryId}/retry`, {
      body: { reason: 'window extended by Amazon' },
    });
    expect(retry.status).toBe(202);
    await stack.kafka.waitForOrder(retried.orderId, settled(1, 2), 60_000);

    // An operator resolve: the label was voided in Seller Central (the sandbox says so), refund applied.
    const resolved = await cancelOrder(sellerB, [
      { api: 'amazon-shipping-v2', ...pastWindow, ...usd('9.99') },
    ]);
    const resolvedShipment = resolved.shipments[0]?.seeded as SandboxShipment;
    await stack.sandbox.seed([{ ...resolvedShipment, status: 'Voided' }]);
    const resolveId = currentOf(resolved.outputs)[0]?.data.cancellationId as string;
    const resolve = await api.post(adminPath`/cancellations/${resolveId}/resolve`, {
      body: { outcome: 'cancelled_elsewhere', reason: 'voided in Seller Central' },
    });
    expect(resolve.status).toBe(200);
    await stack.kafka.waitForOrder(resolved.orderId, settled(1, 2), 60_000);

    // The carrier's own record of our sellers' labels (the sandbox holds demo ones too): voided (Shipping v2)
    // or refunded (MFN v0); the MWS bridge's are left out.
    const shipments: SandboxShipment[] = [];
    for (const seller of [sellerA, sellerB]) {
      const listed = await stack.sandbox.control<{ shipments: SandboxShipment[] }>(
        'GET',
        `shipments?sellerAccount=${seller}`,
      );
      shipments.push(...listed.shipments);
    }
    const refundedAtCarrier = shipments
      .filter((s) => s.api !== 'amazon-mfn-mws' && ['Voided', 'RefundApplied'].includes(s.status))
      .map((s) => ({ sellerAccount: s.sellerAccount, ...s.labelCost }));
    const expected = sumBySellerAndCurrency(refundedAtCarrier);
    expect(expected).toEqual(
      [
        { sellerAccount: sellerA, currency: 'EUR', amount: '7.35', cancellations: 1 },
        { sellerAccount: sellerA, currency: 'JPY', amount: '500', cancellations: 1 },
        { sellerAccount: sellerA, currency: 'USD', amount: '14.20', cancellations: 4 },
        { sellerAccount: sellerB, currency: 'EUR', amount: '5.09', cancellations: 2 },
        { sellerAccount: sellerB, currency: 'USD', amount: '9.99', cancellations: 1 },
      ].sort((a, b) => `${a.sellerAccount} ${a.currency}`.localeCompare(`${b.sellerAccount} ${b.currency}`)),
    );

    // The ledger: the installed package, a consumer group of its own, from the beginning; Kafka only.
    const topics = stack.config.topics;
    const output = await run(process.execPath, [path.join('dist', 'main.js')], ledgerDir, {
      KAFKA_BROKERS: stack.config.kafka.brokers.join(','),
      LEDGER_GROUP_ID: `refunds-ledger-${randomUUID().slice(0, 8)}`,
      TOPIC_SHIPMENT_CANCELLED: topics.shipmentCancelled,
      TOPIC_SHIPMENT_CANCELLATION_FAILED: topics.shipmentCancellationFailed,
    });
    const fromKafka = JSON.parse(output) as { totals: Total[]; skipped: string[] };
    expect(fromKafka).toEqual({ totals: expected, skipped: [] });

    // Every event twice (the whole stream, then again backwards): the same totals, each second copy a duplicate.
    const values = stack.kafka.raw
      .filter((m) => m.topic === topics.shipmentCancelled || m.topic === topics.shipmentCancellationFailed)
      .map((m) => m.value);
    const feed = path.join(work, 'values.json');
    writeFileSync(feed, JSON.stringify([...values, ...[...values].reverse()]));
    const script = [
      "const { RefundsLedger } = require('./dist/index.js');",
      "const values = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'));",
      'const ledger = new RefundsLedger();',
      'const accepted = {};',
      'for (const value of values) { const a = ledger.accept(value); accepted[a] = (accepted[a] ?? 0) + 1; }',
      "const events = require.resolve('@oms/events');",
      'console.log(JSON.stringify({ totals: ledger.totals(), accepted, events }));',
    ].join('\n');
    const twice = JSON.parse(await run(process.execPath, ['-e', script, feed], ledgerDir)) as {
      totals: Total[];
      accepted: Record<string, number>;
      events: string;
    };
    expect(twice.totals).toEqual(expected);
    expect(twice.accepted['duplicate']).toBe(values.length);
    expect((twice.accepted['applied'] ?? 0) + (twice.accepted['older'] ?? 0)).toBe(values.length);
    // The package the ledger ran with is the installed tarball, not the workspace's sources.
    expect(twice.events).toBe(path.join(ledgerDir, 'node_modules', '@oms', 'events', 'lib', 'index.js'));
  }, 170_000);
});
