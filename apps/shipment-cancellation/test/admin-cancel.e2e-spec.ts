// Manual cancels through the admin API, end to end: the running service, real Postgres and Kafka, and the
// carrier sandbox. Preview, cancel a shipment or an order (reship rule), read — and the audit row of every
// write. Retries and listing are in admin-retry.e2e-spec.ts.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes } from '@oms/events';
import { AdminApiClient, type ApiAnswer, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import type { RunningService } from '../src/service-runtime';
import type { TestKafka } from './support/kafka';
import { waitFor } from './support/ports';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import type { SandboxProcess } from './support/sandbox';
import { orderCancelled, purchase } from './support/scenario';
import { cancelledOf, reshipOf, hoursFromNow } from './support/outcomes';

type Body = Record<string, unknown>;

describe('admin API: manual cancels end to end', () => {
  const operator = testKey('ops-olga', 'operator');
  const viewer = testKey('view-vera', 'viewer');
  let sandbox: SandboxProcess;
  let service: RunningService;
  let kafka: TestKafka;
  let db: DataSource;
  let api: AdminApiClient;
  const env = () => ({ sandbox, kafka, db });
  const order = () => `adm-order-${randomUUID().slice(0, 8)}`;

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

  async function carrierCalls(): Promise<number> {
    const counters = await sandbox.counters();
    return Object.values(counters.calls).reduce((sum, c) => sum + c.total, 0);
  }

  async function stateChangingCancels(carrierShipmentId: string): Promise<number | undefined> {
    const counters = await sandbox.counters();
    return counters.stateChangingCancels.perShipment[carrierShipmentId];
  }

  it('previews without calling the carrier: cancellable, past the window, already cancelled, and the reship rule', async () => {
    const orderId = order();
    const [s1, s2, s3] = await purchase(env(), orderId, [
      { api: 'amazon-shipping-v2', cancelWindowEndsAt: hoursFromNow(20) },
      { api: 'amazon-mfn-mws', purchasedAt: hoursFromNow(-30), cancelWindowEndsAt: hoursFromNow(-6) },
      { api: 'amazon-shipping-v2' },
    ]);
    const [id1, id2, id3] = [s1, s2, s3].map((s) => s?.event.shipmentId as string);
    const done = await api.post(adminPath`/orders/${orderId}/shipments/${id3 as string}/cancel`, {
      body: { reason: 'one of three' },
    });
    await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);

    const callsBefore = await carrierCalls();
    const [rowsBefore]: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM cancellation_request`,
    );
    const preview = await api.as(viewer).get<Body>(adminPath`/orders/${orderId}/cancel-preview`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      orderId,
      scope: 'order',
      shipmentId: null,
      rule: 'multiple_shipments',
      shipmentCount: 3,
      reshipAllowed: false,
      manualReshipRequired: true,
      decision: 'would_cancel',
      conflict: null,
      wouldCancel: [id1, id2],
      cancellable: [id1],
      pastWindow: [id2],
      alreadyCancelled: [id3],
      beingCancelled: [],
      cancelFailed: [],
    });
    const verdicts = (
      preview.body['shipments'] as Array<{
        shipmentId: string;
        verdict: string;
        cancellationState: string | null;
      }>
    ).map((s) => [s.shipmentId, s.verdict, s.cancellationState]);
    // Oldest label first: the one past its window was bought 30 hours ago.
    expect(verdicts).toEqual([
      [id2, 'past_window', null],
      [id1, 'cancellable', null],
      [id3, 'already_cancelled', 'voided'],
    ]);

    const one = await api
      .as(viewer)
      .get<Body>(adminPath`/orders/${orderId}/shipments/${id1 as string}/cancel-preview`);
    expect(one.body).toMatchObject({
      scope: 'shipment',
      shipmentId: id1,
      decision: 'would_cancel',
      wouldCancel: [id1],
      reshipAllowed: false,
    });
    const again = await api
      .as(viewer)
      .get<Body>(adminPath`/orders/${orderId}/shipments/${id3 as string}/cancel-preview`);
    expect(again.body).toMatchObject({
      decision: 'conflict',
      wouldCancel: [],
      conflict: {
        error: 'shipment_not_cancellable',
        cancellationRequestId: (done.body as Body)['cancellationRequestId'],
      },
    });

    const single = await purchase(env(), order(), [{ api: 'amazon-shipping-v2' }]);
    const alone = await api
      .as(viewer)
      .get<Body>(adminPath`/orders/${single[0]?.event.orderId as string}/cancel-preview`);
    expect(alone.body).toMatchObject({
      rule: 'single_shipment',
      shipmentCount: 1,
      reshipAllowed: true,
      manualReshipRequired: false,
    });

    // A preview is a read: the carrier was not called and nothing was recorded.
    expect(await carrierCalls()).toBe(callsBefore);
    const [rowsAfter]: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM cancellation_request`,
    );
    expect(rowsAfter?.n).toBe(rowsBefore?.n);
    expect(await auditOf(preview)).toEqual([]);
  });

  it('cancels one shipment through the event pipeline: 202, one carrier cancel, ShipmentCancelled, an audit row; again is a 409', async () => {
    const orderId = order();
    const [first, second] = await purchase(env(), orderId, [
      { api: 'amazon-shipping-v2' },
      { api: 'amazon-shipping-v2' },
    ]);
    const shipmentId = first?.event.shipmentId as string;
    const answer = await api.post<Body>(adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel`, {
      body: { reason: 'customer asked by phone' },
      idempotencyKey: `k-${randomUUID()}`,
    });
    expect(answer.status).toBe(202);
    const requestId = answer.headers.get('x-request-id');
    expect(answer.body).toMatchObject({
      orderId,
      scope: 'shipment',
      shipmentId,
      trigger: 'admin',
      actor: operator.id,
      reason: 'customer asked by phone',
      rule: 'multiple_shipments',
      shipmentCount: 2,
      reshipAllowed: false,
      cancellations: [{ shipmentId, state: 'pending' }],
    });

    const outputs = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    expect(cancelledOf(outputs)[0]).toMatchObject({
      shipmentId,
      outcome: 'voided',
      trigger: 'admin',
      actor: operator.id,
      causationId: requestId,
      reshipEligible: false,
    });
    expect((await sandbox.shipment(first?.seeded.carrierShipmentId as string)).status).toBe('Voided');
    expect((await sandbox.shipment(second?.seeded.carrierShipmentId as string)).status).toBe('Purchased');
    expect(await stateChangingCancels(first?.seeded.carrierShipmentId as string)).toBe(1);
    expect(reshipOf(kafka.forOrder(orderId))).toEqual([]);

    expect(await auditOf(answer)).toEqual([
      {
        actor: operator.id,
        role: 'operator',
        action: 'cancel_shipment',
        reason: 'customer asked by phone',
        requestId,
        idempotencyKey: expect.stringMatching(/^k-/),
        targetType: 'shipment',
        targetId: shipmentId,
        request: {
          method: 'POST',
          path: adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel`,
          params: { orderId, shipmentId },
          body: { reason: 'customer asked by phone' },
        },
        responseStatus: 202,
        result: answer.body,
      },
    ]);

    const twice = await api.post<Body>(adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel`, {
      body: { reason: 'again' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      error: 'shipment_not_cancellable',
      conflict: { cancellationRequestId: answer.body['cancellationRequestId'] },
    });
    expect(await auditOf(twice)).toMatchObject([
      { action: 'cancel_shipment', reason: 'again', responseStatus: 409, result: twice.body },
    ]);

    const read = await api
      .as(viewer)
      .get<{ requests: Array<Body & { cancellations: Array<Body & { attempts: Body[] }> }> }>(
        adminPath`/orders/${orderId}/cancellations`,
      );
    expect(read.status).toBe(200);
    const [request] = read.body.requests;
    expect(request).toMatchObject({
      scope: 'shipment',
      trigger: 'admin',
      actor: operator.id,
      reason: 'customer asked by phone',
      status: 'completed',
    });
    expect(request?.cancellations).toHaveLength(1);
    expect(request?.cancellations[0]).toMatchObject({
      shipmentId,
      state: 'voided',
      attemptCount: 1,
      refundStatus: 'applied',
    });
    expect(request?.cancellations[0]?.attempts).toMatchObject([
      { attempt: 1, operation: 'cancel', outcome: 'voided', httpStatus: 200 },
    ]);
  });

  it('cancels the only shipment of an order and allows a reship', async () => {
    const orderId = order();
    const [only] = await purchase(env(), orderId, [{ api: 'amazon-mfn-mws' }]);
    const answer = await api.post<Body>(adminPath`/orders/${orderId}/cancel`, {
      body: { reason: 'duplicate order' },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      scope: 'order',
      rule: 'single_shipment',
      reshipAllowed: true,
      manualReshipRequired: false,
    });
    const outputs = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    expect(cancelledOf(outputs)[0]).toMatchObject({
      shipmentId: only?.event.shipmentId,
      reshipEligible: true,
      trigger: 'admin',
    });
    expect(await auditOf(answer)).toMatchObject([
      { action: 'cancel_order', targetType: 'order', targetId: orderId, responseStatus: 202 },
    ]);
  });

  it('cancels every shipment of a multi-shipment order, asks for a manual reship once, and refuses a second cancel', async () => {
    const orderId = order();
    const shipments = await purchase(env(), orderId, [
      { api: 'amazon-shipping-v2' },
      { api: 'amazon-mfn-mws' },
      { api: 'amazon-shipping-v2' },
    ]);
    const answer = await api.post<Body>(adminPath`/orders/${orderId}/cancel`, {
      body: { reason: 'fraud review' },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      rule: 'multiple_shipments',
      shipmentCount: 3,
      reshipAllowed: false,
      manualReshipRequired: true,
    });
    expect(
      (answer.body['cancellations'] as Array<{ shipmentId: string }>).map((c) => c.shipmentId).sort(),
    ).toEqual(shipments.map((s) => s.event.shipmentId).sort());
    const outputs = await kafka.waitForOrder(
      orderId,
      (o) => cancelledOf(o).length === 3 && reshipOf(o).length === 1,
    );
    expect(cancelledOf(outputs).map((c) => c.reshipEligible)).toEqual([false, false, false]);
    expect(reshipOf(outputs)[0]).toMatchObject({ orderId, shipmentCount: 3 });

    const second = await api.post<Body>(adminPath`/orders/${orderId}/cancel`, { body: { reason: 'again' } });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      error: 'order_already_cancelled',
      conflict: { cancellationRequestId: answer.body['cancellationRequestId'] },
    });
    // The platform's own OrderCancelled for the order changes nothing either.
    await kafka.publish(EventTypes.orderCancelled, orderCancelled(orderId));
    await waitFor('the event to be recorded as a duplicate', async () => {
      const [row]: Array<{ result: string }> = await db.query(
        `SELECT result FROM inbox_message WHERE order_id = $1 AND event_type = $2`,
        [orderId, EventTypes.orderCancelled],
      );
      return row?.result === 'duplicate_order' ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(kafka.forOrder(orderId)).toHaveLength(4);
    for (const s of shipments) expect(await stateChangingCancels(s.seeded.carrierShipmentId)).toBe(1);
  });
});
