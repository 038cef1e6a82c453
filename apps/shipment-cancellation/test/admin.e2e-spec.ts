// The admin API's gate, against the running service and a real Postgres: keys and roles, rate limits (per key,
// and per address for calls without a valid key), body and content rules, validation with field paths,
// unknown ids, the error shape, and docs that need a key.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { DataSource } from 'typeorm';
import { AdminApiClient, type ApiAnswer, adminPath, apiKeysEnv, testKey } from '../src/admin/testing';
import { createDataSource } from '../src/store/data-source';
import type { RunningService } from '../src/service-runtime';
import { SandboxProcess } from './support/sandbox';
import { startTestService, testConfig } from './support/service';

const operator = testKey('ops-alice', 'operator');
const viewer = testKey('view-victor', 'viewer');
const burst = testKey('burst-bob', 'viewer');
const RATE_LIMIT = 200;

/** Every error: our shape, the request id of its x-request-id header, and nothing internal. */
function expectError(answer: ApiAnswer, status: number, code: string): Record<string, unknown> {
  expect({ status: answer.status, code: (answer.body as { error?: string } | undefined)?.error }).toEqual({
    status,
    code,
  });
  const body = answer.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(
    [
      'statusCode',
      'error',
      'message',
      'requestId',
      ...(body['details'] ? ['details'] : []),
      ...(body['conflict'] ? ['conflict'] : []),
    ].sort(),
  );
  expect(body['statusCode']).toBe(status);
  expect(body['requestId']).toBe(answer.headers.get('x-request-id'));
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|QueryFailedError|SELECT |stack/i);
  return body;
}

describe('admin API: access, input and errors', () => {
  let sandbox: SandboxProcess;
  let service: RunningService;
  let db: DataSource;
  let api: AdminApiClient;
  const orderId = `adm-gate-${randomUUID().slice(0, 8)}`;
  const shipmentId = `${orderId}-s1`;

  beforeAll(async () => {
    sandbox = await SandboxProcess.start();
    const config = testConfig(sandbox.url, {
      ADMIN_API_KEYS: apiKeysEnv([operator, viewer, burst]),
      ADMIN_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
      // These tests send dozens of keyless calls on purpose; the per-address limit has its own block below.
      ADMIN_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '100000',
    });
    db = await createDataSource(config.databaseUrl, { poolSize: 2 }).initialize();
    service = await startTestService(config);
    api = new AdminApiClient(service.url, operator);
    // A shipment the carrier is never asked about in this file: the projection row is all the reads need.
    await db.query(
      `INSERT INTO shipment (id, order_id, carrier, carrier_shipment_id, business_id, seller_account, label_cost_amount,
                             label_cost_currency, purchased_at, cancel_window_ends_at)
       VALUES ($1, $2, 'amazon-shipping-v2', $3, 'AmazonShipping_US', 'seller-1', 4.99, 'USD', now(), now() + interval '1 day')`,
      [shipmentId, orderId, `cs-${randomUUID()}`],
    );
  });

  afterAll(async () => {
    await service?.stop();
    await db?.destroy();
    await sandbox?.stop();
  });

  const reads = [
    () => adminPath`/orders/${orderId}/cancel-preview`,
    () => adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel-preview`,
    () => adminPath`/orders/${orderId}/cancellations`,
    () => `/admin/v1/cancellations?state=failed`,
  ];
  const writes = [
    () => adminPath`/orders/${orderId}/cancel`,
    () => adminPath`/orders/${orderId}/shipments/${shipmentId}/cancel`,
    () => adminPath`/cancellations/${randomUUID()}/retry`,
  ];

  describe('authentication (401) and roles (403)', () => {
    it.each([
      ['no Authorization header', null],
      ['an unknown key', testKey('mallory', 'operator').key],
      ['the hash of a real key', operator.entry.split(':')[2] as string],
      [
        'a key with a character changed',
        `${operator.key.slice(0, -1)}${operator.key.endsWith('A') ? 'B' : 'A'}`,
      ],
    ])('refuses %s on every endpoint with 401 and a Bearer challenge', async (_what, key) => {
      for (const route of [...reads, ...writes]) {
        const isWrite = writes.includes(route);
        const answer = isWrite
          ? await api.post(route(), { key, body: { reason: 'x' } })
          : await api.get(route(), { key });
        expectError(answer, 401, 'unauthorized');
        expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
      }
    });

    it('refuses a malformed Authorization header with 401', async () => {
      for (const authorization of [
        'Basic b3BzOng=',
        `Bearer`,
        `Token ${operator.key}`,
        `Bearer ${operator.key} extra`,
      ]) {
        expectError(
          await api.get(reads[0]?.() as string, { key: null, headers: { authorization } }),
          401,
          'unauthorized',
        );
      }
    });

    it('lets viewer keys read every endpoint and refuses them every write with 403', async () => {
      const asViewer = api.as(viewer);
      for (const route of reads) expect((await asViewer.get(route())).status).toBe(200);
      for (const route of writes) {
        const body = expectError(
          await asViewer.post(route(), { body: { reason: 'viewer tries' } }),
          403,
          'forbidden',
        );
        expect(body['message']).toContain('operator');
      }
      const [audited]: Array<{ n: number }> = await db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE actor = $1`,
        [viewer.id],
      );
      expect(audited?.n).toBe(0);
    });

    it('lets operator keys read too', async () => {
      for (const route of reads) expect((await api.get(route())).status).toBe(200);
    });
  });

  describe('body rules', () => {
    it('answers 400 to malformed JSON', async () => {
      for (const raw of ['{"reason": "x",', '{reason: "x"}', "{'reason': 'x'}", 'nope']) {
        expectError(await api.post(writes[0]?.() as string, { raw }), 400, 'malformed_json');
      }
    });

    it('answers 415 to any body that is not application/json', async () => {
      const route = writes[0]?.() as string;
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'application/json; charset=latin1',
      ]) {
        const answer = await api.post(route, {
          raw: '{"reason":"x"}',
          headers: { 'content-type': contentType },
        });
        expectError(answer, 415, 'unsupported_media_type');
      }
      const gzip = await api.post(route, { raw: '{"reason":"x"}', headers: { 'content-encoding': 'gzip' } });
      expectError(gzip, 415, 'unsupported_media_type');
    });

    it('answers 413 past the body limit (16 KiB by default), declared or streamed', async () => {
      const big = JSON.stringify({ reason: 'x'.repeat(17 * 1024) });
      expectError(await api.post(writes[0]?.() as string, { raw: big }), 413, 'payload_too_large');
      // Chunked, without Content-Length: the limit holds while reading.
      const url = new URL(`${service.url}${writes[0]?.() as string}`);
      const chunked = await new Promise<{ status: number; text: string; requestId: string | undefined }>(
        (resolve, reject) => {
          const req = httpRequest(
            url,
            {
              method: 'POST',
              headers: {
                authorization: `Bearer ${operator.key}`,
                'content-type': 'application/json',
                'transfer-encoding': 'chunked',
              },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString('utf8')));
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  text,
                  requestId: res.headers['x-request-id'] as string | undefined,
                }),
              );
            },
          );
          req.on('error', reject);
          for (let i = 0; i < 20; i++) req.write('x'.repeat(1024));
          req.end();
        },
      );
      expect(chunked.status).toBe(413);
      expect(JSON.parse(chunked.text)).toMatchObject({
        error: 'payload_too_large',
        requestId: chunked.requestId,
      });
    });

    it('takes a body just under the limit', async () => {
      const answer = await api.post(adminPath`/cancellations/${randomUUID()}/retry`, {
        body: { reason: 'y'.repeat(2000) },
      });
      expectError(answer, 404, 'cancellation_not_found');
    });
  });

  describe('validation (422) with field paths', () => {
    it.each<[string, unknown, Array<{ location: string; path: string }>]>([
      ['no body', undefined, [{ location: 'body', path: '/reason' }]],
      ['an empty reason', { reason: '' }, [{ location: 'body', path: '/reason' }]],
      ['a blank reason', { reason: '   ' }, [{ location: 'body', path: '/reason' }]],
      ['a reason that is not text', { reason: ['x'] }, [{ location: 'body', path: '/reason' }]],
      ['an unknown field', { reason: 'ok', force: true }, [{ location: 'body', path: '/force' }]],
      ['a JSON array', [{ reason: 'ok' }], [{ location: 'body', path: '/' }]],
    ])('requires a reason on every write: %s', async (_what, body, fields) => {
      for (const route of writes) {
        const answer = await api.post(route(), body === undefined ? {} : { body });
        const error = expectError(answer, 422, 'validation_failed');
        expect(
          (error['details'] as Array<{ location: string; path: string }>).map(({ location, path: p }) => ({
            location,
            path: p,
          })),
        ).toEqual(expect.arrayContaining(fields));
      }
    });

    it('checks path ids, query parameters and the Idempotency-Key header', async () => {
      const badId = expectError(
        await api.get('/admin/v1/cancellations/not-a-uuid'),
        422,
        'validation_failed',
      );
      expect(badId['details']).toEqual([
        { location: 'path', path: '/cancellationId', message: 'must match format "uuid"' },
      ]);
      const retryBadId = expectError(
        await api.post('/admin/v1/cancellations/42/retry', { body: { reason: 'x' } }),
        422,
        'validation_failed',
      );
      expect(retryBadId['details']).toEqual([
        { location: 'path', path: '/cancellationId', message: 'must match format "uuid"' },
      ]);

      const query = expectError(
        await api.get('/admin/v1/cancellations?state=lost&limit=0&order=desc'),
        422,
        'validation_failed',
      );
      expect((query['details'] as Array<{ path: string }>).map((d) => d.path).sort()).toEqual([
        '/limit',
        '/order',
        '/state',
      ]);
      const noState = expectError(await api.get('/admin/v1/cancellations'), 422, 'validation_failed');
      expect(noState['details']).toEqual([{ location: 'query', path: '/state', message: 'is required' }]);
      const cursor = expectError(
        await api.get('/admin/v1/cancellations?state=failed&cursor=bm9wZQ'),
        422,
        'validation_failed',
      );
      expect(cursor['details']).toEqual([
        { location: 'query', path: '/cursor', message: 'is not a cursor this API returned' },
      ]);

      for (const idempotencyKey of ['k'.repeat(256), 'tab\there']) {
        const header = expectError(
          await api.post(writes[0]?.() as string, {
            body: { reason: 'x' },
            headers: { 'idempotency-key': idempotencyKey },
          }),
          422,
          'validation_failed',
        );
        expect(header['details']).toEqual([
          {
            location: 'header',
            path: '/idempotency-key',
            message: 'must be 1 to 255 printable ASCII characters',
          },
        ]);
      }
    });
  });

  describe('unknown ids (404)', () => {
    const nobody = `adm-none-${randomUUID()}`;

    it('on reads', async () => {
      expectError(await api.get(adminPath`/orders/${nobody}/cancel-preview`), 404, 'order_not_found');
      expectError(
        await api.get(adminPath`/orders/${orderId}/shipments/${'s-none'}/cancel-preview`),
        404,
        'shipment_not_found',
      );
      expectError(await api.get(adminPath`/orders/${nobody}/cancellations`), 404, 'order_not_found');
      expectError(await api.get(adminPath`/cancellations/${randomUUID()}`), 404, 'cancellation_not_found');
    });

    it('on writes, which change nothing', async () => {
      expectError(
        await api.post(adminPath`/orders/${nobody}/cancel`, { body: { reason: 'x' } }),
        404,
        'order_not_found',
      );
      expectError(
        await api.post(adminPath`/orders/${nobody}/shipments/${'s1'}/cancel`, { body: { reason: 'x' } }),
        404,
        'order_not_found',
      );
      expectError(
        await api.post(adminPath`/orders/${orderId}/shipments/${'s-none'}/cancel`, { body: { reason: 'x' } }),
        404,
        'shipment_not_found',
      );
      expectError(
        await api.post(adminPath`/cancellations/${randomUUID()}/retry`, { body: { reason: 'x' } }),
        404,
        'cancellation_not_found',
      );
      const [rows]: Array<{ n: number }> = await db.query(
        `SELECT count(*)::int AS n FROM cancellation_request WHERE order_id = ANY($1)`,
        [[nobody, orderId]],
      );
      expect(rows?.n).toBe(0);
    });
  });

  it('answers 429 with Retry-After once a key is past its rate limit, and only for that key', async () => {
    const asBurst = api.as(burst);
    // Cheap requests (refused by validation) count like any other.
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: RATE_LIMIT + 40 }, () => asBurst.get('/admin/v1/cancellations?state=nope')),
    );
    // The bucket refills while the requests run: at most the allowance plus what trickled in meanwhile passes.
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * RATE_LIMIT);
    const limited = statuses.filter((a) => a.status === 429);
    expect(statuses.filter((a) => a.status === 422).length).toBeLessThanOrEqual(RATE_LIMIT + refilled);
    expect(limited.length).toBeGreaterThanOrEqual(40 - refilled);
    const [first] = limited;
    expectError(first as ApiAnswer, 429, 'too_many_requests');
    expect(Number(first?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await api.as(viewer).get('/admin/v1/cancellations?state=failed')).status).toBe(200);
  });

  it('gives every answer its own request id', async () => {
    const answers = [
      await api.get(reads[2]?.() as string),
      await api.get(reads[2]?.() as string),
      await api.get(reads[2]?.() as string, { key: null }),
    ];
    const ids = answers.map((a) => a.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(3);
  });
});

describe('admin API: calls without a valid key, and docs behind a key', () => {
  let sandbox: SandboxProcess;
  let service: RunningService;
  let api: AdminApiClient;
  // The default allowance for calls without a valid key (ADMIN_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE).
  const KEYLESS_LIMIT = 30;

  beforeAll(async () => {
    sandbox = await SandboxProcess.start();
    service = await startTestService(
      testConfig(sandbox.url, {
        ADMIN_API_KEYS: apiKeysEnv([operator, viewer]),
        ADMIN_DOCS_REQUIRE_KEY: 'true',
      }),
    );
    api = new AdminApiClient(service.url, viewer);
  });

  afterAll(async () => {
    await service?.stop();
    await sandbox?.stop();
  });

  it('answers 429 with Retry-After to an address sending many calls with a wrong key; a valid key is still served', async () => {
    const wrong = testKey('mallory', 'operator').key;
    const started = Date.now();
    const answers: ApiAnswer[] = [];
    for (let i = 0; i < 40; i++)
      answers.push(await api.get('/admin/v1/cancellations?state=failed', { key: wrong }));
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * KEYLESS_LIMIT);
    const statuses = answers.map((a) => a.status);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(KEYLESS_LIMIT + refilled);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10 - refilled);
    const limited = answers.find((a) => a.status === 429) as ApiAnswer;
    expectError(limited, 429, 'too_many_requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // No key at all counts the same way.
    expectError(
      await api.get('/admin/v1/cancellations?state=failed', { key: null }),
      429,
      'too_many_requests',
    );
    expect((await api.get('/admin/v1/cancellations?state=failed')).status).toBe(200);
    expect((await api.as(operator).get('/admin/v1/cancellations?state=failed')).status).toBe(200);
  });

  it.each(['/docs', '/docs-json', '/docs-yaml', '/docs/swagger-ui-init.js'])(
    'answers 401 at %s without a valid key, and serves it to a viewer key',
    async (path) => {
      for (const key of [null, testKey('mallory', 'viewer').key]) {
        const refused = await api.get(path, { key });
        expectError(refused, 401, 'unauthorized');
        expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
        expect(refused.text).not.toContain('cancel-preview');
      }
      const served = await api.get(path);
      expect(served.status).toBe(200);
      expect(served.text).toMatch(path === '/docs' ? /swagger-ui/ : /cancel-preview/);
    },
  );
});
