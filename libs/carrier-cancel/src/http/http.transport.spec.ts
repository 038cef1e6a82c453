import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UndiciHttpTransport } from './http.transport';

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const servers: Server[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  await Promise.all(
    servers
      .splice(0)
      .filter((s) => s.listening)
      .map(stop),
  );
});

describe('UndiciHttpTransport', () => {
  const transport = new UndiciHttpTransport();
  afterAll(() => transport.close());

  it('returns status, lower-case headers and body, and keeps the connection alive', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      res.writeHead(201, { 'X-Amzn-RequestId': 'abc' });
      res.end(`${req.method} ${req.url}`);
    });
    server.on('connection', () => (connections += 1));
    const base = await listen(server);
    for (let i = 0; i < 3; i++) {
      // undici frees the socket just after the response callback: let it settle before the next request.
      await new Promise((resolve) => setImmediate(resolve));
      const result = await transport.send({
        method: 'PUT',
        url: `${base}/a?b=1`,
        headers: {},
        timeoutMs: 1_000,
      });
      expect(result).toEqual({
        kind: 'response',
        response: expect.objectContaining({
          status: 201,
          body: 'PUT /a?b=1',
          headers: expect.objectContaining({ 'x-amzn-requestid': 'abc' }),
        }),
      });
    }
    expect(connections).toBe(1);
    await stop(server);
  });

  it('does not write a request that waited past its write window for a free connection', async () => {
    const single = new UndiciHttpTransport({ connectionsPerOrigin: 1 });
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      setTimeout(() => res.end('ok'), req.url === '/slow' ? 150 : 0);
    });
    const base = await listen(server);
    // A window of `ms` from now, as a rate-limit token gives it.
    const put = (path: string, ms?: number) => {
      const closes = performance.now() + (ms ?? Infinity);
      const mayWrite = ms === undefined ? undefined : () => performance.now() <= closes;
      const onWritten = () => written.push(path);
      return single.send({
        method: 'PUT',
        url: `${base}${path}`,
        headers: {},
        timeoutMs: 1_000,
        mayWrite,
        onWritten,
      });
    };
    const written: string[] = [];
    try {
      const slow = put('/slow');
      // Queued behind /slow on the only connection: its window closes before the connection is free.
      const late = put('/late', 30);
      const roomy = put('/roomy', 1_000);
      expect(await late).toMatchObject({ kind: 'failure', sent: false, reason: 'late' });
      expect((await slow).kind).toBe('response');
      expect((await roomy).kind).toBe('response');
      expect(seen).toEqual(['/slow', '/roomy']);
      // The caller hears of each request written, and of none given up.
      expect(written).toEqual(['/slow', '/roomy']);
    } finally {
      await single.close();
    }
  });

  it('gives up a request whose window closed while it waited for a connection, without touching a socket', async () => {
    const single = new UndiciHttpTransport({ connectionsPerOrigin: 1 });
    const seen: string[] = [];
    let connections = 0;
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      setTimeout(() => res.end('ok'), req.url === '/slow' ? 150 : 0);
    });
    server.on('connection', () => (connections += 1));
    const base = await listen(server);
    let asked = 0;
    const put = (path: string, ms?: number) => {
      const closes = performance.now() + (ms ?? Infinity);
      const open = () => performance.now() <= closes;
      const canWrite = () => {
        asked += 1;
        return open();
      };
      return single.send({
        method: 'PUT',
        url: `${base}${path}`,
        headers: {},
        timeoutMs: 1_000,
        mayWrite: open,
        canWrite,
      });
    };
    try {
      const slow = put('/slow');
      const late = put('/late', 30);
      const roomy = put('/roomy', 1_000);
      // /slow went at once and is asked only at its socket; the other two wait for the only connection, unasked
      // until it is free.
      await sleep(60);
      expect(asked).toBe(0);
      expect(await late).toMatchObject({ kind: 'failure', sent: false, reason: 'late' });
      expect((await slow).kind).toBe('response');
      expect((await roomy).kind).toBe('response');
      expect(seen).toEqual(['/slow', '/roomy']);
      // Refused before it reached undici, the late request cost no connection: /roomy reused the first.
      expect(connections).toBe(1);
      expect(asked).toBe(2);
    } finally {
      await single.close();
    }
  });

  it('admits requests to an origin in order, as many at once as it has connections', async () => {
    const pair = new UndiciHttpTransport({ connectionsPerOrigin: 2 });
    let open = 0;
    let most = 0;
    const order: string[] = [];
    const server = createServer((req, res) => {
      open += 1;
      most = Math.max(most, open);
      order.push(req.url ?? '');
      setTimeout(() => {
        open -= 1;
        res.end('ok');
      }, 20);
    });
    const base = await listen(server);
    try {
      const paths = ['/1', '/2', '/3', '/4', '/5', '/6'];
      const results = await Promise.all(
        paths.map((p) => pair.send({ method: 'GET', url: `${base}${p}`, headers: {}, timeoutMs: 1_000 })),
      );
      expect(results.map((r) => r.kind)).toEqual(Array(6).fill('response'));
      expect(most).toBe(2);
      expect(order).toEqual(paths);
    } finally {
      await pair.close();
    }
  });

  it('a request that times out while waiting for a connection was not sent, and leaves its place', async () => {
    const single = new UndiciHttpTransport({ connectionsPerOrigin: 1 });
    const server = createServer((req, res) => setTimeout(() => res.end(req.url), 100));
    const base = await listen(server);
    try {
      const slow = single.send({ method: 'GET', url: `${base}/slow`, headers: {}, timeoutMs: 1_000 });
      const hurried = single.send({ method: 'GET', url: `${base}/hurried`, headers: {}, timeoutMs: 20 });
      const next = single.send({ method: 'GET', url: `${base}/next`, headers: {}, timeoutMs: 1_000 });
      expect(await hurried).toMatchObject({ kind: 'failure', sent: false, reason: 'timeout' });
      expect(await slow).toMatchObject({ kind: 'response', response: { body: '/slow' } });
      expect(await next).toMatchObject({ kind: 'response', response: { body: '/next' } });
    } finally {
      await single.close();
    }
  });

  it('a refused connection was certainly not sent', async () => {
    const server = createServer();
    const base = await listen(server);
    await stop(server);
    const result = await transport.send({ method: 'PUT', url: `${base}/x`, headers: {}, timeoutMs: 1_000 });
    expect(result).toMatchObject({ kind: 'failure', sent: false, reason: 'connection' });
  });

  it('a socket destroyed after the server read the request may have been acted on', async () => {
    let served = 0;
    const server = createServer((req) => {
      req.resume();
      req.on('end', () => {
        served += 1;
        req.socket.destroy();
      });
    });
    const base = await listen(server);
    const result = await transport.send({
      method: 'PUT',
      url: `${base}/x`,
      headers: {},
      body: '{}',
      timeoutMs: 1_000,
    });
    expect(result).toMatchObject({ kind: 'failure', sent: true, reason: 'connection' });
    expect(served).toBe(1);
    await stop(server);
  });

  it('no answer within the attempt timeout is a sent timeout', async () => {
    const server = createServer(() => undefined);
    const base = await listen(server);
    const started = performance.now();
    const result = await transport.send({ method: 'DELETE', url: `${base}/x`, headers: {}, timeoutMs: 100 });
    expect(result).toMatchObject({ kind: 'failure', sent: true, reason: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1_000);
    await stop(server);
  });

  it('an abort before anything was written is reported unsent', async () => {
    const server = createServer((_req, res) => res.end('late'));
    const base = await listen(server);
    const controller = new AbortController();
    controller.abort();
    const result = await transport.send({
      method: 'PUT',
      url: `${base}/x`,
      headers: {},
      timeoutMs: 1_000,
      signal: controller.signal,
    });
    expect(result).toMatchObject({ kind: 'failure', sent: false, reason: 'aborted' });
    await stop(server);
  });
});
