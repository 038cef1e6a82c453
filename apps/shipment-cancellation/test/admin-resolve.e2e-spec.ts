// Closing what needs a person, end to end: an operator resolves a failed cancellation with what Seller Central
// shows (settled, one final event on Kafka), and retries every failed cancellation of a seller in one call.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes } from '@oms/events';
import { AdminApiClient, type ApiAnswer, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import type { RunningService } from '../src/service-runtime';
import type { TestKafka } from './support/kafka';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import type { SandboxProcess } from './support/sandbox';
import { purchase } from './support/scenario';
import { cancelledOf, failedOf, hoursFromNow } from './support/outcomes';

type Body = Record<string, unknown>;
/** A label past its cancel window: the carrier refuses, and the cancellation fails needing a person. */
const pastWindow = {
  api: 'amazon-shipping-v2' as const,
  purchasedAt: hoursFromNow(-30),
  cancelWindowEndsAt: hoursFromNow(-1),
};

describe('admin API: resolve and bulk retry', () => {
  const operator = testKey('ops-olga', 'operator');
  const viewer = testKey('view-val', 'viewer');
  let sandbox: SandboxProcess;
  let service: RunningService;
  let kafka: TestKafka;
  let db: DataSource;
  let api: AdminApiClient;
  const env = () => ({ sandbox, kafka, db });
  const order = () => `adm-resolve-${randomUUID().slice(0, 8)}`;

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

  /** Cancels the order (its labels past their window) and waits for each cancellation to fail; their ids. */
  async function failedCancellations(orderId: string, count: number): Promise<string[]> {
    await api.post(adminPath`/orders/${orderId}/cancel`, { body: { reason: 'late cancel' } });
    await kafka.waitForOrder(orderId, (o) => failedOf(o).length === count);
    const rows: Array<{ id: string }> = await db.query(
      `SELECT id FROM shipment_cancellation WHERE order_id = $1 ORDER BY created_at, id`,
      [orderId],
    );
    return rows.map((r) => r.id);
  }

  async function auditOf(answer: ApiAnswer): Promise<Body[]> {
    return db.query(
      `SELECT actor, action, reason, target_type AS "targetType", target_id AS "targetId",
              response_status AS "responseStatus", result
         FROM audit_log WHERE request_id = $1`,
      [answer.headers.get('x-request-id')],
    );
  }

  it('resolves a failed cancellation voided elsewhere: voided, one ShipmentCancelled, replayable, then a 409', async () => {
    const orderId = order();
    await purchase(env(), orderId, [pastWindow]);
    const [id] = (await failedCancellations(orderId, 1)) as [string];
    const path = adminPath`/cancellations/${id}/resolve`;
    const body = { outcome: 'cancelled_elsewhere', reason: 'voided in Seller Central (ticket 81)' };

    expect((await api.as(viewer).post(path, { body })).status).toBe(403);
    const key = randomUUID();
    const resolved = await api.post<Body>(path, { body, idempotencyKey: key });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      id,
      state: 'voided',
      outcome: 'voided',
      failureReason: null,
      requiresManualAction: false,
      refundStatus: 'applied',
      nextAttemptAt: null,
      completedAt: expect.any(String),
      resolution: {
        outcome: 'cancelled_elsewhere',
        by: 'ops-olga',
        reason: body.reason,
        at: expect.any(String),
      },
    });
    expect(await auditOf(resolved)).toMatchObject([
      {
        actor: 'ops-olga',
        action: 'resolve_cancellation',
        targetType: 'shipment_cancellation',
        targetId: id,
      },
    ]);

    const events = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    const failure = events.find((c) => c.event.type === EventTypes.shipmentCancellationFailed);
    // It overturns the failure: the next in the cancellation's sequence, naming the event it supersedes.
    expect(cancelledOf(events)[0]).toMatchObject({
      cancellationId: id,
      outcome: 'voided',
      final: true,
      labelRefund: { status: 'applied' },
      refund: { status: 'applied', source: 'label_cost' },
      sequence: 2,
      supersedes: failure?.event.id,
    });
    expect(failedOf(events)).toHaveLength(1);

    const replay = await api.post<Body>(path, { body, idempotencyKey: key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(resolved.body);

    const again = await api.post<Body>(path, { body: { ...body, reason: 'twice' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: 'cancellation_not_resolvable',
      conflict: { cancellationId: id, state: 'voided' },
    });

    const read = await api.as(viewer).get<Body>(adminPath`/cancellations/${id}`);
    expect(read.body).toMatchObject({ state: 'voided', resolution: resolved.body['resolution'] as Body });
    const [row]: Array<{ shipment: string; request: string }> = await db.query(
      `SELECT s.status AS shipment, r.status AS request
         FROM shipment_cancellation sc JOIN shipment s ON s.id = sc.shipment_id
         JOIN cancellation_request r ON r.id = sc.request_id WHERE sc.id = $1`,
      [id],
    );
    expect(row).toEqual({ shipment: 'cancelled', request: 'completed' });
    // Nothing further for this order: exactly one outcome event after the failure.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(cancelledOf(kafka.forOrder(orderId))).toHaveLength(1);
  });

  it('resolves a label that stays as failed needing no one, with a ShipmentCancellationFailed', async () => {
    const orderId = order();
    await purchase(env(), orderId, [pastWindow]);
    const [id] = (await failedCancellations(orderId, 1)) as [string];
    const resolved = await api.post<Body>(adminPath`/cancellations/${id}/resolve`, {
      body: { outcome: 'not_cancellable', reason: 'Amazon support: the label cannot be voided' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      state: 'failed',
      failureReason: 'not_cancellable',
      requiresManualAction: false,
    });
    const events = await kafka.waitForOrder(orderId, (o) => failedOf(o).length === 2);
    expect(failedOf(events)[1]).toMatchObject({
      cancellationId: id,
      reason: 'not_cancellable',
      requiresManualAction: false,
      sequence: 2,
      supersedes: events.find((c) => c.event.type === EventTypes.shipmentCancellationFailed)?.event.id,
    });
    const wrong = await api.post<Body>(adminPath`/cancellations/${id}/resolve`, {
      body: { outcome: 'refund_received', reason: 'not a refund_pending one' },
    });
    expect(wrong.status).toBe(409);
  });

  it('retries the failed cancellations of one seller: a dry run counts, then each is sent back once', async () => {
    const seller = `seller-bulk-${randomUUID().slice(0, 8)}`;
    const orders = [order(), order()];
    const ours: string[] = [];
    for (const orderId of orders) {
      await purchase(env(), orderId, [{ ...pastWindow, sellerAccount: seller }]);
      ours.push(...(await failedCancellations(orderId, 1)));
    }
    const otherOrder = order();
    await purchase(env(), otherOrder, [pastWindow]);
    const [other] = (await failedCancellations(otherOrder, 1)) as [string];

    const dry = await api.post<Body>('/admin/v1/cancellations/retry', {
      body: { sellerAccount: seller, dryRun: true, reason: 'how many?' },
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dryRun: true, limit: 1000, matched: 2, count: 2, retried: [] });
    const [{ n: stillFailed }] = (await db.query(
      `SELECT count(*)::int AS n FROM shipment_cancellation WHERE id = ANY($1::uuid[]) AND state = 'failed'`,
      [ours],
    )) as [{ n: number }];
    expect(stillFailed).toBe(2);

    expect(
      (
        await api.as(viewer).post('/admin/v1/cancellations/retry', {
          body: { sellerAccount: seller, reason: 'viewer' },
        })
      ).status,
    ).toBe(403);
    const retried = await api.post<Body & { retried: string[] }>('/admin/v1/cancellations/retry', {
      body: { sellerAccount: seller, reason: 'Amazon extended the windows' },
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ dryRun: false, matched: 2, count: 2 });
    expect([...retried.body.retried].sort()).toEqual([...ours].sort());
    expect(await auditOf(retried)).toMatchObject([
      { action: 'retry_cancellations', targetType: 'shipment_cancellations', responseStatus: 200 },
    ]);
    // The worker tries each again (the window is still past: each fails a second time); the other seller's stays.
    for (const orderId of orders) await kafka.waitForOrder(orderId, (o) => failedOf(o).length === 2);
    const [untouched]: Array<{ state: string; attempts: number }> = await db.query(
      `SELECT state, attempts FROM shipment_cancellation WHERE id = $1`,
      [other],
    );
    expect(untouched).toEqual({ state: 'failed', attempts: 1 });
  });
});
