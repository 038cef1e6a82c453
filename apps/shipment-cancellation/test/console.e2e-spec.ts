// The operator console in a real browser (headless Debian chromium) against the real stack: an operator signs
// in, cancels an order after its preview, finds the failure in the queue and retries it, resolves another,
// redrives a dead letter, and each action's events are checked on Kafka; a viewer sees it all and can act on
// nothing. With CONSOLE_SCREENSHOTS=<dir> the main pages are saved there (docs/images holds the committed ones).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Dialog, Locator, Page } from 'playwright-core';
import { EventTypes } from '@oms/events';
import { AdminApiClient, adminPath, apiKeysEnv, type TestKey, testKey } from '../src/admin/testing';
import { type HeadlessChromium, launchChromium } from './support/browser';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import { waitFor } from './support/ports';
import { purchase } from './support/scenario';
import { TopicReader } from './support/topic-reader';
import { cancelledOf, failedOf, hoursFromNow } from './support/outcomes';

const REASON_LABEL = 'Reason (kept in the audit log)';

describe('operator console (headless chromium)', () => {
  const operator = testKey('ops-otto', 'operator');
  const viewer = testKey('view-vera', 'viewer');
  const run = randomUUID().slice(0, 8);
  // A seller of this run only: the queue, filtered by it, shows this run's cancellations whatever else the
  // shared test database holds.
  const seller = `console-${run}`;
  const pastWindow = {
    api: 'amazon-shipping-v2' as const,
    sellerAccount: seller,
    purchasedAt: hoursFromNow(-30),
    cancelWindowEndsAt: hoursFromNow(-1),
  };
  let stack: E2eStack;
  let chromium: HeadlessChromium;
  let page: Page;
  let inputs: TopicReader;
  let api: AdminApiClient;
  const requested: string[] = [];
  const pageProblems: string[] = [];
  const orderA = `console-a-${run}`;
  const orderB = `console-b-${run}`;
  let seededA: Record<string, unknown> = {};

  const env = () => ({ sandbox: stack.sandbox, kafka: stack.kafka, db: stack.db });
  const consoleUrl = (hash = '') => `${stack.service.url}/console${hash}`;
  const dialog = (): Locator => page.getByRole('dialog');

  async function screenshot(name: string, target: Page | Locator = page): Promise<void> {
    const dir = process.env['CONSOLE_SCREENSHOTS'];
    if (!dir) return;
    const file = path.resolve(dir, `console-${name}.png`);
    if ('goto' in target) await target.screenshot({ path: file, fullPage: true });
    else await target.screenshot({ path: file });
  }

  async function signIn(key: TestKey): Promise<void> {
    await page.goto(consoleUrl());
    await page.getByLabel('Admin API key').fill(key.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'What needs a person' }).waitFor();
  }

  /** Waits until `text` shows in the scope (the page renders after its API calls answer). */
  async function shows(scope: Page | Locator, text: string | RegExp): Promise<void> {
    await scope.getByText(text).first().waitFor();
  }

  // Each page is loaded afresh (the key stays in the tab's sessionStorage), so no wait can be answered by
  // the page that was there before.
  async function queue(filters: Record<string, string>): Promise<void> {
    await page.goto('about:blank');
    await page.goto(consoleUrl(`#/queue?${new URLSearchParams(filters).toString()}`));
    await page.getByRole('heading', { level: 1, name: 'What needs a person' }).waitFor();
  }

  async function openOrder(orderId: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(consoleUrl(`#/order/${encodeURIComponent(orderId)}`));
    await page.getByRole('heading', { level: 1, name: `Order ${orderId}` }).waitFor();
  }

  /** Gives the reason, confirms, and returns the dialog once it shows the result (or an error). */
  async function confirm(button: string, reason: string): Promise<Locator> {
    await dialog().getByLabel(REASON_LABEL).fill(reason);
    await dialog().getByRole('button', { name: button }).click();
    await dialog().getByText('Request id:').waitFor();
    return dialog();
  }

  async function closeDialog(): Promise<void> {
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'hidden' });
  }

  beforeAll(async () => {
    stack = await startE2eStack({
      env: { ADMIN_API_KEYS: apiKeysEnv([operator, viewer]), ADMIN_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    api = new AdminApiClient(stack.service.url, operator);
    inputs = await TopicReader.start(stack.kafka.kafka, stack.config.topics.orderCancelled);
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') pageProblems.push(m.text());
    });
    page.on('pageerror', (e) => pageProblems.push(e.message));
    page.on('dialog', (d: Dialog) => {
      pageProblems.push(`unexpected ${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await chromium?.close();
    await inputs?.stop();
    await stack?.stop();
  });

  it('serves the page with a content security policy and refuses a wrong key in plain words, with the request id', async () => {
    const answer = await fetch(consoleUrl());
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(answer.headers.get('x-frame-options')).toBe('DENY');

    await page.goto(consoleUrl());
    await page.getByLabel('Admin API key').fill('osc_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await shows(alert, 'This API key was not accepted');
    expect(await alert.locator('.request-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.locator('main').textContent()).not.toMatch(/\bnull\b|\bundefined\b/);
    await screenshot('sign-in');
  });

  it('an operator cancels an order from its page after a preview that shows the reship verdict', async () => {
    const [a] = await purchase(env(), orderA, [pastWindow]);
    seededA = a?.seeded as unknown as Record<string, unknown>;
    await signIn(operator);
    expect(await page.locator('.who').textContent()).toBe('Operator key');
    await openOrder(orderA);
    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await shows(dialog(), 'The order had one shipment: it may be reshipped automatically');
    await shows(dialog(), 'Past the cancel window');
    const result = await confirm('Cancel the order', 'customer called: ordered twice (ticket 7001)');
    await shows(result, 'Recorded: 1 shipment cancellation(s)');
    await closeDialog();
    const outputs = await stack.kafka.waitForOrder(orderA, (o) => failedOf(o).length === 1);
    expect(failedOf(outputs)[0]).toMatchObject({
      shipmentId: `${orderA}-s1`,
      requiresManualAction: true,
      cancelReason: 'customer called: ordered twice (ticket 7001)',
      actor: operator.id,
    });
  });

  it('finds the failure in the queue, previews it and retries it: voided, and the new event supersedes the failure', async () => {
    const [failure] = (await stack.kafka.waitForOrder(orderA, (o) => failedOf(o).length === 1)).filter(
      (c) => c.event.type === EventTypes.shipmentCancellationFailed,
    );
    // Amazon extended the window: the carrier now accepts the cancel.
    await stack.sandbox.seed([{ ...seededA, cancelWindowEndsAt: hoursFromNow(5), status: 'Purchased' }]);
    await queue({ seller });
    const failed = page.locator('#q-failed');
    await expect(failed.getByRole('link', { name: orderA }).count()).resolves.toBe(1);
    await expect(page.getByRole('list', { name: 'Counts' }).textContent()).resolves.toContain('1 failed');
    await screenshot('queue');

    await failed.getByRole('button', { name: `Retry cancellation of ${orderA}-s1` }).click();
    await shows(dialog(), 'A retry sends it back to the carrier now');
    expect(await dialog().getByRole('region', { name: 'Carrier attempts' }).textContent()).toContain('400');
    await screenshot('retry', dialog());
    const result = await confirm('Retry now', 'Amazon extended the window (case 88)');
    await shows(result, 'Sent back to the carrier: the cancellation is pending');
    await closeDialog();

    const outputs = await stack.kafka.waitForOrder(orderA, (o) => cancelledOf(o).length === 1);
    expect(cancelledOf(outputs)[0]).toMatchObject({
      shipmentId: `${orderA}-s1`,
      outcome: 'voided',
      sequence: 2,
      supersedes: failure?.event.id,
    });
  });

  it('resolves a failure that needs a person on a two-shipment order; the order page shows its events and audit trail', async () => {
    await purchase(env(), orderB, [pastWindow, pastWindow]);
    await api.post(adminPath`/orders/${orderB}/cancel`, { body: { reason: 'fraud check failed' } });
    await stack.kafka.waitForOrder(orderB, (o) => failedOf(o).length === 2);

    await queue({ seller, person: '1' });
    const failed = page.locator('#q-failed');
    await expect(failed.getByRole('link', { name: orderB }).count()).resolves.toBe(2);
    await failed.getByRole('button', { name: `Resolve cancellation of ${orderB}-s1` }).click();
    await dialog()
      .getByRole('radio', { name: /cancelled_elsewhere/ })
      .waitFor();
    expect(
      await dialog()
        .getByRole('radio', { name: /cancelled_elsewhere/ })
        .isChecked(),
    ).toBe(true);
    await screenshot('resolve', dialog());
    const result = await confirm('Resolve', 'voided in Seller Central by the seller (ticket 7002)');
    await shows(result, 'Resolved as cancelled_elsewhere: the cancellation is voided');
    await closeDialog();

    const outputs = await stack.kafka.waitForOrder(orderB, (o) => cancelledOf(o).length === 1);
    expect(cancelledOf(outputs)[0]).toMatchObject({
      shipmentId: `${orderB}-s1`,
      outcome: 'voided',
      sequence: 2,
    });
    expect(outputs.filter((c) => c.event.type === EventTypes.manualReshipRequired)).toHaveLength(1);

    await openOrder(orderB);
    // An absent part of a page is left out, never written as "null" or "undefined".
    expect(await page.locator('main').textContent()).not.toMatch(/\bnull\b|\bundefined\b/);
    const events = page.getByRole('region', { name: `Events about ${orderB}` });
    const eventText = await events.textContent();
    for (const type of [
      EventTypes.manualReshipRequired,
      EventTypes.shipmentCancellationFailed,
      EventTypes.shipmentCancelled,
    ])
      expect(eventText).toContain(type);
    const audit = await page.getByRole('region', { name: `Admin actions on ${orderB}` }).textContent();
    expect(audit).toContain('cancel_order');
    expect(audit).toContain('resolve_cancellation');
    expect(audit).toContain('voided in Seller Central by the seller (ticket 7002)');
    await screenshot('order');
  });

  it('redrives a dead letter: the same bytes are back on their topic', async () => {
    const topic = stack.config.topics.orderCancelled;
    const value = Buffer.from(`console ${run}: {"orderId": not json`);
    await stack.kafka.publishRaw(topic, `console-dl-${run}`, value);
    await waitFor('the dead letter', async () => {
      const page = await api.get<{ items: unknown[] }>(
        `/admin/v1/dead-letters?topic=${encodeURIComponent(topic)}`,
      );
      return page.body.items.length === 1 ? true : undefined;
    });

    await queue({ topic });
    const dead = page.locator('#q-dead');
    await dead.getByRole('button', { name: /^View and redrive dead letter / }).click();
    await expect(dialog().locator('pre.payload').textContent()).resolves.toBe(value.toString());
    await screenshot('redrive', dialog());
    const result = await confirm('Redrive', 'consumer fixed in release 1.4 (ticket 7003)');
    const text = (await result.textContent()) ?? '';
    const sent = /Sent to (\S+) partition (\d+) at offset (\d+)\./.exec(text);
    expect(sent?.[1]).toBe(topic);
    await closeDialog();

    const copies = await waitFor('the original and the redriven copy', async () => {
      const same = inputs.records.filter((r) => r.value?.equals(value));
      return same.length === 2 ? same : undefined;
    });
    expect(copies.map((c) => [c.partition, c.offset])).toContainEqual([Number(sent?.[2]), sent?.[3]]);
    expect(copies.every((c) => c.key?.toString() === `console-dl-${run}`)).toBe(true);
    // The copy is still not JSON: it comes back as a dead letter of its own, not yet redriven.
    await waitFor('the copy dead-lettered', async () => {
      const answer = await api.get<{ items: unknown[] }>(
        `/admin/v1/dead-letters?topic=${encodeURIComponent(topic)}&redriven=false`,
      );
      return answer.body.items.length === 1 ? true : undefined;
    });
  });

  it('a viewer key sees the queue, the order and the dead letter, and no action', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await signIn(viewer);
    expect(await page.locator('.who').textContent()).toBe('Viewer key (read only)');

    await queue({ seller });
    await expect(page.locator('#q-failed').getByRole('link', { name: orderB }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /^(Retry|Resolve) cancellation/ }).count()).resolves.toBe(
      0,
    );

    await openOrder(orderB);
    await expect(page.getByRole('region', { name: `Events about ${orderB}` }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /^(Cancel|Retry|Resolve)/ }).count()).resolves.toBe(0);

    await queue({ topic: stack.config.topics.orderCancelled, age: '' });
    // Redriven, the letter left the queue; its copy came back as a new one, which a viewer may only read.
    await page
      .locator('#q-dead')
      .getByRole('button', { name: /^View dead letter / })
      .first()
      .click();
    await dialog().locator('pre.payload').waitFor();
    await expect(dialog().getByRole('button', { name: 'Redrive' }).count()).resolves.toBe(0);
    await shows(dialog(), 'This key may only read');
    await closeDialog();
  });

  it('kept the key out of every URL and out of localStorage, loaded nothing from elsewhere, and logged no error', async () => {
    const keys = [operator.key, viewer.key];
    expect(requested.length).toBeGreaterThan(0);
    for (const url of requested) {
      expect(url.startsWith(stack.service.url)).toBe(true);
      for (const key of keys) expect(url).not.toContain(key);
    }
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.evaluate("sessionStorage.getItem('oms-console-key')")).toBe(viewer.key);
    // Chromium reports every answer of 400 or more; the wrong key's 401 and the role probe's 422 (operator)
    // and 403 (viewer) are expected, anything else is a problem.
    const expected = /^Failed to load resource: the server responded with a status of (401|403|422)\b/;
    expect(pageProblems.filter((p) => !expected.test(p))).toEqual([]);
  });
});
