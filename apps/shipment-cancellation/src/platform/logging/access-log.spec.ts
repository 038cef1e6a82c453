import { Controller, Get, HttpCode, type INestApplication, Logger, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminHttpMiddleware } from '../../admin/http/admin-http.middleware';
import type { AdminRequest } from '../../admin/http/admin-request';
import { accessLogMiddleware, loggablePath } from './access-log';
import { JsonLogger } from './json-logger';
import { currentRequestId, requestLogContext } from './request-context';

type Line = Record<string, unknown>;

const capture = () => {
  const lines: Line[] = [];
  const logger = new JsonLogger('debug', (line) => lines.push(JSON.parse(line) as Line));
  return { logger, lines };
};

describe('JsonLogger inside a request', () => {
  it('adds the request id to every line logged in the request, after awaits too, and to none outside', async () => {
    const { logger, lines } = capture();
    await requestLogContext.run({ requestId: 'req-1' }, async () => {
      logger.log('before', 'Handler');
      await sleep(1);
      logger.warn('after an await', { orderId: 'o-1' }, 'Handler');
      setImmediate(() => logger.debug('in a callback', 'Handler'));
      await sleep(1);
    });
    logger.log('outside', 'Worker');
    expect(lines.map((l) => [l['msg'], l['requestId']])).toEqual([
      ['before', 'req-1'],
      ['after an await', 'req-1'],
      ['in a callback', 'req-1'],
      ['outside', undefined],
    ]);
    expect(lines[1]).toMatchObject({ orderId: 'o-1', context: 'Handler' });
  });

  it('keeps concurrent requests apart', async () => {
    const { logger, lines } = capture();
    const handle = (id: string, wait: number) =>
      requestLogContext.run({ requestId: id }, async () => {
        await sleep(wait);
        logger.log(`done ${id}`);
      });
    await Promise.all([handle('a', 5), handle('b', 1)]);
    expect(lines.map((l) => [l['msg'], l['requestId']])).toEqual([
      ['done b', 'b'],
      ['done a', 'a'],
    ]);
  });

  it('lets a field of the same name win', () => {
    const { logger, lines } = capture();
    requestLogContext.run({ requestId: 'ours' }, () => logger.log('explicit', { requestId: 'theirs' }));
    expect(lines[0]?.['requestId']).toBe('theirs');
    expect(currentRequestId()).toBeUndefined();
  });
});

describe('loggablePath', () => {
  it('drops the query string and the fragment, and cuts what is too long', () => {
    expect(loggablePath('/admin/v1/cancellations?state=failed&token=s3cret')).toBe('/admin/v1/cancellations');
    expect(loggablePath('/health/ready#x')).toBe('/health/ready');
    expect(loggablePath('/admin/v1/orders/o-1')).toBe('/admin/v1/orders/o-1');
    expect(loggablePath(`/admin/${'a'.repeat(2_000)}`)).toHaveLength(513);
  });
});

@Controller('admin/v1')
class FakeAdminController {
  private readonly logger = new Logger('FakeAdmin');

  @Get('ping')
  async ping(@Req() req: AdminRequest): Promise<{ ok: true }> {
    // What the API key guard does once it recognises the key.
    if (req.adminContext) req.adminContext.principal = { id: 'alice', role: 'operator' };
    this.logger.log('handling ping');
    await sleep(2);
    this.logger.warn('still handling ping');
    return { ok: true };
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Req() req: AdminRequest): unknown {
    this.logger.log('echoing');
    return req.body;
  }
}

@Controller('health')
class FakeHealthController {
  @Get('live')
  live(): { status: 'ok' } {
    new Logger('Health').debug('probed');
    return { status: 'ok' };
  }
}

@Module({ controllers: [FakeAdminController, FakeHealthController] })
class FakeModule {}

describe('access log', () => {
  let app: INestApplication;
  let base: string;
  let lines: Line[];

  beforeAll(async () => {
    const captured = capture();
    lines = captured.lines;
    app = await NestFactory.create(FakeModule, { logger: captured.logger });
    app.use(['/admin', '/health'], accessLogMiddleware());
    app.use('/admin', adminHttpMiddleware({ bodyLimitBytes: 1_000 }));
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app.close());
  beforeEach(() => lines.splice(0));

  const accessLines = () => lines.filter((l) => l['context'] === 'HTTP');
  // The 'finish' event may come just after the client has the answer.
  const settle = () => sleep(20);

  it('writes one info line per admin request, with the caller key id and the id of x-request-id', async () => {
    const answer = await fetch(`${base}/admin/v1/ping?cursor=abc&token=s3cret-value`, {
      headers: { authorization: 'Bearer osc_secret-api-key-value' },
    });
    expect(answer.status).toBe(200);
    await settle();
    const requestId = answer.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(accessLines()).toEqual([
      {
        time: expect.any(String),
        level: 'info',
        context: 'HTTP',
        msg: expect.stringMatching(/^GET \/admin\/v1\/ping 200 [\d.]+ms$/),
        requestId,
        method: 'GET',
        path: '/admin/v1/ping',
        status: 200,
        durationMs: expect.any(Number),
        keyId: 'alice',
      },
    ]);
    // Every line written while handling it carries the request id.
    expect(lines.map((l) => [l['msg'], l['requestId']])).toEqual([
      ['handling ping', requestId],
      ['still handling ping', requestId],
      [expect.stringMatching(/^GET /), requestId],
    ]);
    // Neither the key nor a query value reaches the log.
    const text = JSON.stringify(lines);
    expect(text).not.toContain('osc_secret-api-key-value');
    expect(text).not.toContain('s3cret-value');
    expect(text).not.toContain('cursor=abc');
  });

  it('carries the request id through a request body the admin middleware reads', async () => {
    const answer = await fetch(`${base}/admin/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'test' }),
    });
    expect(await answer.json()).toEqual({ reason: 'test' });
    await settle();
    const requestId = answer.headers.get('x-request-id');
    expect(lines.map((l) => [l['msg'], l['requestId']])).toEqual([
      ['echoing', requestId],
      [expect.stringMatching(/^POST \/admin\/v1\/echo 200 /), requestId],
    ]);
    expect(accessLines()[0]).not.toHaveProperty('keyId');
  });

  it('logs a request the admin middleware refuses, with the id of its error body', async () => {
    const answer = await fetch(`${base}/admin/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(answer.status).toBe(415);
    const body = (await answer.json()) as { requestId: string };
    await settle();
    expect(accessLines()).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/admin/v1/echo',
        status: 415,
        requestId: body.requestId,
      }),
    ]);
  });

  it('logs health requests and unknown admin paths too, each under an id of its own', async () => {
    const live = await fetch(`${base}/health/live`);
    const missing = await fetch(`${base}/admin/v1/nothing-here?q=1`);
    expect([live.status, missing.status]).toEqual([200, 404]);
    await settle();
    expect(accessLines().map((l) => [l['method'], l['path'], l['status'], l['requestId']])).toEqual([
      ['GET', '/health/live', 200, live.headers.get('x-request-id')],
      ['GET', '/admin/v1/nothing-here', 404, missing.headers.get('x-request-id')],
    ]);
    expect(lines.find((l) => l['msg'] === 'probed')?.['requestId']).toBe(live.headers.get('x-request-id'));
    expect(live.headers.get('x-request-id')).not.toBe(missing.headers.get('x-request-id'));
  });
});
