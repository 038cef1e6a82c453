import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { CONTROL_PREFIX, handleControl } from './control/control.controller';
import { BodyTooLargeError, readBody, send, sendJson } from './http/http-exchange';
import { spApiError } from './http/sp-api-errors';
import { createJsonLogger, Logger } from './logging/json-logger';
import { handleLwaToken } from './lwa/lwa-token.controller';
import { handleV0Cancel, handleV0Get } from './mfn-v0/mfn-v0.controller';
import { handleMws } from './mws/mws.controller';
import { handleCreateRestrictedDataToken } from './rdt/restricted-data-token.controller';
import { SandboxSettings } from './state/sandbox-settings';
import { SandboxState } from './state/sandbox-state';
import { handleV2Cancel, handleV2Tracking } from './shipping-v2/shipping-v2.controller';

export interface SandboxServerOptions {
  port?: number;
  host?: string;
  seedDemo?: boolean;
  faultSeed?: number | string;
  rateLimits?: boolean;
  settings?: Partial<SandboxSettings>;
  logger?: Logger;
}

export interface SandboxServer {
  server: Server;
  url: string;
  state: SandboxState;
  close(): Promise<void>;
}

const AMAZON_BODY_LIMIT_BYTES = 1024 * 1024;
const V2_SHIPMENTS = '/shipping/v2/shipments/';
const V0_SHIPMENTS = '/mfn/v0/shipments/';

/** The id segment of `/prefix/{id}{suffix}`, or undefined when the path has another shape. */
function segment(path: string, prefix: string, suffix = ''): string | undefined {
  if (!path.startsWith(prefix) || !path.endsWith(suffix)) return undefined;
  const raw = path.slice(prefix.length, path.length - suffix.length);
  if (raw.length === 0 || raw.includes('/')) return undefined;
  return raw.includes('%') ? decodeURIComponent(raw) : raw;
}

function sendSpApiError(res: ServerResponse, status: number, code: string, message: string): void {
  const reply = spApiError(status, code, message);
  send(res, reply.status, reply.contentType, reply.body);
}

async function withBody(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (body: string) => void,
): Promise<void> {
  try {
    handle(await readBody(req, AMAZON_BODY_LIMIT_BYTES));
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    sendSpApiError(res, 413, 'RequestTooLarge', 'The request size exceeded the maximum accepted size.');
  }
}

/** How late a client's bytes reach the sandbox: `GET /__sandbox/probe?sentAt=<epoch ms>` (see LoopStalls). */
export const PROBE_PATH = '/__sandbox/probe';

/** One base URL for everything, as the service's carrier base URLs all point here. */
async function route(state: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';

  if (path.startsWith(V2_SHIPMENTS) && method === 'PUT') {
    const id = segment(path, V2_SHIPMENTS, '/cancel');
    if (id !== undefined) return handleV2Cancel(state, req, res, id);
  } else if (path === '/shipping/v2/tracking' && method === 'GET') {
    return handleV2Tracking(state, req, res, query);
  } else if (path.startsWith(V0_SHIPMENTS)) {
    const id = segment(path, V0_SHIPMENTS);
    if (id !== undefined && method === 'DELETE') return handleV0Cancel(state, req, res, id);
    if (id !== undefined && method === 'GET') return handleV0Get(state, req, res, id);
  } else if (path === '/auth/o2/token' && method === 'POST') {
    return withBody(req, res, (body) => handleLwaToken(state, req, res, body));
  } else if (path === '/tokens/2021-03-01/restrictedDataToken' && method === 'POST') {
    return withBody(req, res, (body) => handleCreateRestrictedDataToken(state, req, res, body));
  } else if (path.toLowerCase().startsWith('/api/mws/shipment/') && method === 'POST') {
    // ASP.NET Web API routes, as behind the bridge, are case-insensitive.
    const action = path.slice('/api/mws/shipment/'.length).toLowerCase();
    if (action === 'cancelshipment')
      return withBody(req, res, (body) => handleMws(state, req, res, 'CancelShipment', body));
    if (action === 'getshipment')
      return withBody(req, res, (body) => handleMws(state, req, res, 'GetShipment', body));
  } else if (path === PROBE_PATH && method === 'GET') {
    // Stamped here, as an Amazon call is, before anything waits: see LoopStalls.
    const sentAt = Number(new URLSearchParams(query).get('sentAt'));
    if (!Number.isFinite(sentAt)) return sendJson(res, 400, { error: 'sentAt must be epoch milliseconds' });
    return sendJson(res, 200, { lagMs: state.probe(sentAt) });
  } else if (path.startsWith(CONTROL_PREFIX)) {
    return handleControl(state, req, res, path, query);
  } else if (path === '/health' && method === 'GET') {
    return sendJson(res, 200, {
      status: 'ok',
      shipments: state.store.size,
      uptimeSeconds: Math.round(process.uptime()),
    });
  }
  return sendSpApiError(res, 404, 'NotFound', 'Resource not found');
}

export async function createSandboxServer(options: SandboxServerOptions = {}): Promise<SandboxServer> {
  const logger = options.logger ?? createJsonLogger('info');
  const state = new SandboxState({
    faultSeed: options.faultSeed ?? 1,
    rateLimits: options.rateLimits ?? true,
    seedDemo: options.seedDemo ?? false,
    settings: options.settings ?? {},
    logger,
  });
  const server = createServer((req, res) => {
    route(state, req, res).catch((err: unknown) => {
      logger.error('request failed', { method: req.method, url: req.url, error: String(err) });
      if (err instanceof URIError) sendSpApiError(res, 400, 'InvalidInput', 'Malformed path');
      else if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  // Clients keep connections alive across thousands of cancels; don't close them between bursts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      state.shutdown();
      server.close(() => resolve());
      server.closeIdleConnections();
      // Whatever is still in flight after a grace period (held requests, slow clients) is cut.
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
    });
    return closing;
  };
  return { server, url, state, close };
}
