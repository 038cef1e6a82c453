// Failed cancellations and the list by state, end to end: a carrier refusal, the operator's retry through the
// admin API, the carrier worker trying again, and paging through cancellations.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes } from '@oms/events';
import { AdminApiClient, type ApiAnswer, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import type { RunningService } from '../src/service-runtime';
import type { TestKafka } from './support/kafka';
import { waitFor } from './support/ports';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import type { SandboxProcess } from './support/sandbox';
import { purchase } from './support/scenario';
import { cancelledOf, failedOf, hoursFromNow } from './support/outcomes';

type Body = Record<string, unknown>;

describe('admin API: retry and list', () => {
  const operator = testKey('ops-otto', 'operator');
  const viewer = testKey('view-vic', 'viewer');
  let sandbox: SandboxProcess;
  let service: RunningService;
  let kafka: TestKafka;
  let db: DataSource;
  let api: AdminApiClient;
  const env = () => ({ sandbox, kafka, db });
  const order = () => `adm-retry-${randomUUID().slice(0, 8)}`;
  const voidedByUs: string[] = [];

  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({
      env: {
        ADMIN_API_KEYS: apiKeysEnv([operator, viewer]),
        ADMIN_RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    ({ sandbox, kafka, db, service } = stack);
    api = new AdminApiClient(service.url, operator);
  });

  afterAll(() => stack?.stop());

  async function auditOf(answer: ApiAnswer): Promise<Body[]> {
    return db.query(
      `SELECT actor, role, action, reason, request_id AS "requestId", idempotency_key AS "idempotencyKey",
              target_type AS "targetType", target_id AS "targetId", request, response_status AS "responseStatus", result
         FROM audit_log WHERE request_id = $1`,
      [answer.headers.get('x-request-id')],
    );
  }

  async function stateChangingCancels(carrierShipmentId: string): Promise<number | undefined> {
    const counters = await sandbox.counters();
    return counters.stateChangingCancels.perShipment[carrierShipmentId];
  }

  it('retries a failed cancellation: pending and due now, then voided; anything but failed is a 409', async () => {
    const orderId = order();
    const [shipment] = await purchase(env(), orderId, [
      { api: 'amazon-shipping-v2', purchasedAt: hoursFromNow(-30), cancelWindowEndsAt: hoursFromNow(-1) },
    ]);
    await api.post(adminPath`/orders/${orderId}/cancel`, { body: { reason: 'late cancel' } });
    const failed = await kafka.waitForOrder(orderId, (o) => failedOf(o).length === 1);
    expect(failedOf(failed)[0]).toMatchObject({
      requiresManualAction: true,
      carrier: { httpStatus: 400 },
      cancelReason: 'late cancel',
      refund: { status: 'none', source: 'none' },
      sequence: 1,
    });
    const failedEventId = failed.find((c) => c.event.type === EventTypes.shipmentCancellationFailed)?.event
      .id;
    const [row]: Array<{ id: string }> = await db.query(
      `SELECT id FROM shipment_cancellation WHERE order_id = $1`,
      [orderId],
    );
    const id = row?.id as string;
    const listed = await api
      .as(viewer)
      .get<{ items: Array<{ id: string }> }>('/admin/v1/cancellations?state=failed&limit=200');
    expect(listed.body.items.map((i) => i.id)).toContain(id);

    expect(
      (await api.as(viewer).post(adminPath`/cancellations/${id}/retry`, { body: { reason: 'viewer' } }))
        .status,
    ).toBe(403);
    // The carrier relents (say, support extended the window): re-seeding the same label replaces it.
    await sandbox.seed([{ ...shipment?.seeded, cancelWindowEndsAt: hoursFromNow(5), status: 'Purchased' }]);
    const retry = await api.post<Body>(adminPath`/cancellations/${id}/retry`, {
      body: { reason: 'window extended by Amazon' },
    });
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({
      id,
      state: 'pending',
      failureReason: null,
      requiresManualAction: false,
      completedAt: null,
    });
    expect(Date.parse(retry.body['nextAttemptAt'] as string)).toBeLessThanOrEqual(Date.now());
    expect(await auditOf(retry)).toMatchObject([
      {
        action: 'retry_cancellation',
        targetType: 'shipment_cancellation',
        targetId: id,
        reason: 'window extended by Amazon',
        responseStatus: 202,
      },
    ]);

    const retried = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    // The retry's outcome is newer than the failure and says which final event it overturns.
    expect(cancelledOf(retried)[0]).toMatchObject({
      outcome: 'voided',
      sequence: 2,
      supersedes: failedEventId,
    });
    const after = await waitFor('the cancellation to settle', async () => {
      const answer = await api.as(viewer).get<Body & { attempts: Body[] }>(adminPath`/cancellations/${id}`);
      return answer.body['state'] === 'voided' ? answer.body : undefined;
    });
    expect(after).toMatchObject({ attemptCount: 2, outcome: 'voided', completedAt: expect.any(String) });
    expect(after.attempts.map((a) => a['outcome'])).toEqual(['rejected', 'voided']);
    const [shipmentRow]: Array<{ status: string }> = await db.query(
      `SELECT status FROM shipment WHERE order_id = $1`,
      [orderId],
    );
    expect(shipmentRow?.status).toBe('cancelled');
    expect(await stateChangingCancels(shipment?.seeded.carrierShipmentId as string)).toBe(1);
    voidedByUs.push(id);

    const again = await api.post<Body>(adminPath`/cancellations/${id}/retry`, {
      body: { reason: 'once more' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: 'cancellation_not_failed',
      conflict: { cancellationId: id, state: 'voided' },
    });
  });

  it('lists cancellations by state a page at a time, oldest first, each exactly once', async () => {
    for (const orderId of [order(), order(), order()]) {
      await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }, { api: 'amazon-shipping-v2' }]);
      const answer = await api.post<{ cancellations: Array<{ id: string }> }>(
        adminPath`/orders/${orderId}/cancel`,
        {
          body: { reason: 'to page through' },
        },
      );
      voidedByUs.push(...answer.body.cancellations.map((c) => c.id));
      await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 2);
    }
    const seen: Array<{ id: string; state: string; createdAt: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `/admin/v1/cancellations?state=voided&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: ApiAnswer<{
        items: Array<{ id: string; state: string; createdAt: string }>;
        nextCursor: string | null;
      }> = await api.as(viewer).get(query);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 500);
    const [count]: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM shipment_cancellation WHERE state = 'voided'`,
    );
    expect(seen).toHaveLength(count?.n as number);
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    expect(seen.every((s) => s.state === 'voided')).toBe(true);
    expect(seen.map((s) => s.createdAt)).toEqual([...seen.map((s) => s.createdAt)].sort());
    expect(seen.map((s) => s.id)).toEqual(expect.arrayContaining(voidedByUs));
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(seen.length / 2));
  });
});
