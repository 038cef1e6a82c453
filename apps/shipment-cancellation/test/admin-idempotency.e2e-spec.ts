// Admin writes that are safe to send twice, and text that is only ever data: Idempotency-Key replays and
// refusals, and SQL and script fragments in every string field, against the running service.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EventTypes } from '@oms/events';
import { AdminApiClient, type ApiAnswer, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import type { RunningService } from '../src/service-runtime';
import type { TestKafka } from './support/kafka';
import { startE2eStack, type E2eStack } from './support/e2e-stack';
import type { SandboxProcess } from './support/sandbox';
import { purchase, purchasedEvent, projected } from './support/scenario';
import { cancelledOf } from './support/outcomes';

type Body = Record<string, unknown>;
const SQL = `'; DROP TABLE shipment; --`;
const SCRIPT = `<script>alert(1)</script>`;

describe('admin API: idempotent writes and hostile text', () => {
  const operator = testKey('ops-ida', 'operator');
  const colleague = testKey('ops-cole', 'operator');
  let sandbox: SandboxProcess;
  let service: RunningService;
  let kafka: TestKafka;
  let db: DataSource;
  let api: AdminApiClient;
  const env = () => ({ sandbox, kafka, db });
  const order = () => `adm-idem-${randomUUID().slice(0, 8)}`;

  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({
      env: {
        ADMIN_API_KEYS: apiKeysEnv([operator, colleague]),
        ADMIN_RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    ({ sandbox, kafka, db, service } = stack);
    api = new AdminApiClient(service.url, operator);
  });

  afterAll(() => stack?.stop());

  const count = async (sql: string, params: unknown[]): Promise<number> => {
    const [row]: Array<{ n: number }> = await db.query(`SELECT count(*)::int AS n FROM ${sql}`, params);
    return row?.n ?? -1;
  };

  async function stateChangingCancels(carrierShipmentId: string): Promise<number | undefined> {
    const counters = await sandbox.counters();
    return counters.stateChangingCancels.perShipment[carrierShipmentId];
  }

  it('replays the first response, byte for byte, for the same key and body', async () => {
    const orderId = order();
    const [shipment] = await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    const key = `idem-${randomUUID()}`;
    const path = adminPath`/orders/${orderId}/cancel`;
    const first = await api.post<Body>(path, { body: { reason: 'customer request' }, idempotencyKey: key });
    await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    // Same body with its keys in another order, after the cancellation has moved on: still the first answer.
    const again = await api.post<Body>(path, {
      raw: '{ "reason" : "customer request" }',
      idempotencyKey: key,
    });

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(await count('cancellation_request WHERE order_id = $1', [orderId])).toBe(1);
    expect(await count('audit_log WHERE idempotency_key = $1', [key])).toBe(1);
    expect(await stateChangingCancels(shipment?.seeded.carrierShipmentId as string)).toBe(1);
    expect(cancelledOf(kafka.forOrder(orderId))).toHaveLength(1);
  });

  it('refuses the same key for another body or another target with 422, changing nothing', async () => {
    const [a, b] = [order(), order()];
    await purchase(env(), a, [{ api: 'amazon-shipping-v2' }]);
    await purchase(env(), b, [{ api: 'amazon-shipping-v2' }]);
    const key = `idem-${randomUUID()}`;
    expect(
      (await api.post(adminPath`/orders/${a}/cancel`, { body: { reason: 'first' }, idempotencyKey: key }))
        .status,
    ).toBe(202);

    const otherBody = await api.post<Body>(adminPath`/orders/${a}/cancel`, {
      body: { reason: 'second' },
      idempotencyKey: key,
    });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({
      error: 'idempotency_key_reused',
      requestId: otherBody.headers.get('x-request-id'),
    });
    const otherOrder = await api.post<Body>(adminPath`/orders/${b}/cancel`, {
      body: { reason: 'first' },
      idempotencyKey: key,
    });
    expect(otherOrder.status).toBe(422);
    expect(await count('cancellation_request WHERE order_id = $1', [b])).toBe(0);
    expect(await count('audit_log WHERE idempotency_key = $1', [key])).toBe(1);

    // Keys belong to their API key: a colleague's identical key is a request of its own.
    const theirs = await api
      .as(colleague)
      .post<Body>(adminPath`/orders/${b}/cancel`, { body: { reason: 'first' }, idempotencyKey: key });
    expect(theirs.status).toBe(202);
    expect(theirs.body).toMatchObject({ actor: colleague.id });
  });

  it('acts once when the same request races itself with one key', async () => {
    const orderId = order();
    const shipments = await purchase(env(), orderId, [
      { api: 'amazon-shipping-v2' },
      { api: 'amazon-shipping-v2' },
    ]);
    const key = `idem-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        api.post<Body>(adminPath`/orders/${orderId}/cancel`, {
          body: { reason: 'double click' },
          idempotencyKey: key,
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(await count('cancellation_request WHERE order_id = $1', [orderId])).toBe(1);
    expect(await count('audit_log WHERE idempotency_key = $1', [key])).toBe(1);
    await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 2);
    for (const s of shipments) expect(await stateChangingCancels(s.seeded.carrierShipmentId)).toBe(1);
  });

  it('replays refusals as well: a 404 or a 409 comes back the same', async () => {
    const missing = `adm-missing-${randomUUID()}`;
    const key = `idem-${randomUUID()}`;
    const first = await api.post(adminPath`/orders/${missing}/cancel`, {
      body: { reason: 'x' },
      idempotencyKey: key,
    });
    const again = await api.post(adminPath`/orders/${missing}/cancel`, {
      body: { reason: 'x' },
      idempotencyKey: key,
    });
    expect([first.status, again.status]).toEqual([404, 404]);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const orderId = order();
    await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }]);
    await api.post(adminPath`/orders/${orderId}/cancel`, { body: { reason: 'first' } });
    const conflictKey = `idem-${randomUUID()}`;
    const conflict = await api.post(adminPath`/orders/${orderId}/cancel`, {
      body: { reason: 'x' },
      idempotencyKey: conflictKey,
    });
    const replay = await api.post(adminPath`/orders/${orderId}/cancel`, {
      body: { reason: 'x' },
      idempotencyKey: conflictKey,
    });
    expect([conflict.status, replay.status]).toEqual([409, 409]);
    expect(replay.text).toBe(conflict.text);
  });

  it('stores and returns SQL and script fragments verbatim in every string field, and never runs them', async () => {
    const orderId = `adm-${randomUUID().slice(0, 6)}${SQL}${SCRIPT}`;
    const [seeded] = await purchase(env(), orderId, [{ api: 'amazon-shipping-v2' }], false);
    if (!seeded) throw new Error('the sandbox seeded nothing');
    const shipmentId = `${SCRIPT}${SQL}"\\${randomUUID().slice(0, 6)}`;
    await kafka.publish(EventTypes.shipmentPurchased, {
      ...purchasedEvent(orderId, 0, seeded.seeded),
      shipmentId,
    });
    await projected(db, orderId, 1);
    const reason = `refund ${SQL} ${SCRIPT} "quoted" \\ back\nslash`;
    const idempotencyKey = `${SQL} ${SCRIPT}`;

    const preview = await api.get<Body>(adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel-preview`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ orderId, shipmentId, wouldCancel: [shipmentId] });

    const answer: ApiAnswer<Body> = await api.post(
      adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel`,
      {
        body: { reason },
        idempotencyKey,
      },
    );
    expect(answer.status).toBe(202);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toMatchObject({ orderId, shipmentId, reason, cancellations: [{ shipmentId }] });

    const outputs = await kafka.waitForOrder(orderId, (o) => cancelledOf(o).length === 1);
    expect(cancelledOf(outputs)[0]).toMatchObject({ orderId, shipmentId });

    const read = await api.get<{ orderId: string; shipments: Body[]; requests: Body[] }>(
      adminPath`/orders/${orderId}/cancellations`,
    );
    expect(read.body.orderId).toBe(orderId);
    expect(read.body.shipments).toMatchObject([{ shipmentId, orderId }]);
    expect(read.body.requests).toMatchObject([
      { reason, actor: operator.id, cancellations: [{ shipmentId, request: { reason } }] },
    ]);

    const [audit]: Body[] = await db.query(
      `SELECT reason, idempotency_key AS "idempotencyKey", target_id AS "targetId", request, result FROM audit_log WHERE request_id = $1`,
      [answer.headers.get('x-request-id')],
    );
    expect(audit).toMatchObject({
      reason,
      idempotencyKey,
      targetId: shipmentId,
      request: { params: { orderId, shipmentId }, body: { reason } },
    });
    expect(audit?.['result']).toEqual(answer.body);
    const [stored]: Array<{ reason: string }> = await db.query(
      `SELECT reason FROM cancellation_request WHERE order_id = $1`,
      [orderId],
    );
    expect(stored?.reason).toBe(reason);

    // Nothing ran: the table is there, with its rows, and a repeat with the hostile key replays.
    expect(await count('shipment WHERE order_id = $1', [orderId])).toBe(1);
    expect(await count('shipment', [])).toBeGreaterThan(1);
    const replay = await api.post(adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel`, {
      body: { reason },
      idempotencyKey,
    });
    expect(replay.text).toBe(answer.text);
  });
});
