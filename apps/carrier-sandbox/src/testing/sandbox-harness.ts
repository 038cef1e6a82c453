// Starts the sandbox in-process on port 0 and talks to it over real HTTP; every answer from the Amazon
// surface goes through the oracle before a test sees it.
import { Agent, request } from 'undici';
import { createJsonLogger } from '../logging/json-logger';
import { DEFAULT_CREDENTIALS } from '../lwa/token.store';
import { createSandboxServer, SandboxServerOptions } from '../sandbox-server';
import { SandboxState } from '../state/sandbox-state';
import { validateAmazonExchange } from './amazon-oracle';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

export interface HttpOptions {
  headers?: Record<string, string>;
  body?: string | object | unknown[] | null;
  /** Give up after this many ms (the request may be held by a timeout fault). */
  timeoutMs?: number;
}

export interface TestSandbox {
  url: string;
  state: SandboxState;
  http(method: string, path: string, options?: HttpOptions): Promise<HttpResult>;
  control(method: string, path: string, body?: unknown): Promise<HttpResult>;
  seed(items: object | object[]): Promise<HttpResult>;
  lwaToken(): Promise<string>;
  rdt(resources?: Array<{ method: string; path: string }>): Promise<string>;
  v2Cancel(id: string, options?: { businessId?: string | null; token?: string | null }): Promise<HttpResult>;
  v0(method: 'GET' | 'DELETE', id: string, token?: string): Promise<HttpResult>;
  mws(
    action: 'CancelShipment' | 'GetShipment',
    id: string,
    options?: { xml?: boolean; accept?: string; token?: string },
  ): Promise<HttpResult>;
  close(): Promise<void>;
}

export const LWA_FORM =
  `grant_type=refresh_token&refresh_token=${encodeURIComponent(DEFAULT_CREDENTIALS.refreshToken)}` +
  `&client_id=${DEFAULT_CREDENTIALS.clientId}&client_secret=${DEFAULT_CREDENTIALS.clientSecret}`;

export const V0_GENERIC_RESOURCES = [
  { method: 'DELETE', path: '/mfn/v0/shipments/{shipmentId}' },
  { method: 'GET', path: '/mfn/v0/shipments/{shipmentId}' },
];

/** Rate limits are off unless a test turns them on; logs are silent. */
export async function startTestSandbox(options: SandboxServerOptions = {}): Promise<TestSandbox> {
  const sandbox = await createSandboxServer({
    port: 0,
    rateLimits: false,
    logger: createJsonLogger('silent'),
    ...options,
  });
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  let cachedToken: string | undefined;

  const http = async (method: string, path: string, options: HttpOptions = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (typeof options.body === 'string') body = options.body;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await request(`${sandbox.url}${path}`, {
      method: method as 'GET',
      headers,
      body,
      dispatcher: agent,
      ...(options.timeoutMs !== undefined && { signal: AbortSignal.timeout(options.timeoutMs) }),
    });
    const text = await res.body.text();
    const result: HttpResult = {
      status: res.statusCode,
      headers: res.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
    if (!path.startsWith('/__sandbox/') && path !== '/health') {
      validateAmazonExchange({ method, path, status: res.statusCode, headers: res.headers, text });
    }
    return result;
  };

  const lwaToken = async (): Promise<string> => {
    if (cachedToken) return cachedToken;
    const res = await http('POST', '/auth/o2/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: LWA_FORM,
    });
    if (res.status !== 200) throw new Error(`LWA token failed: ${res.status} ${res.text}`);
    cachedToken = res.json<{ access_token: string }>().access_token;
    return cachedToken;
  };

  return {
    url: sandbox.url,
    state: sandbox.state,
    http,
    control: (method, path, body) =>
      http(method, `/__sandbox/${path}`, body === undefined ? {} : { body: body as object }),
    seed: (items) => http('POST', '/__sandbox/shipments', { body: items }),
    lwaToken,
    rdt: async (resources = V0_GENERIC_RESOURCES) => {
      const res = await http('POST', '/tokens/2021-03-01/restrictedDataToken', {
        headers: { 'x-amz-access-token': await lwaToken() },
        body: { restrictedResources: resources },
      });
      if (res.status !== 200) throw new Error(`RDT failed: ${res.status} ${res.text}`);
      return res.json<{ restrictedDataToken: string }>().restrictedDataToken;
    },
    v2Cancel: async (id, options = {}) => {
      const headers: Record<string, string> = {};
      const token = options.token === undefined ? await lwaToken() : options.token;
      if (token !== null) headers['x-amz-access-token'] = token;
      const businessId = options.businessId === undefined ? 'AmazonShipping_UK' : options.businessId;
      if (businessId !== null) headers['x-amzn-shipping-business-id'] = businessId;
      return http('PUT', `/shipping/v2/shipments/${encodeURIComponent(id)}/cancel`, { headers });
    },
    v0: (method, id, token) =>
      http(
        method,
        `/mfn/v0/shipments/${encodeURIComponent(id)}`,
        token === undefined ? {} : { headers: { 'x-amz-access-token': token } },
      ),
    mws: async (action, id, options = {}) => {
      const xml = options.xml ?? false;
      const headers: Record<string, string> = {
        'x-amz-access-token': options.token ?? (await lwaToken()),
        'content-type': xml ? 'application/xml' : 'application/json',
      };
      if (options.accept !== undefined) headers['accept'] = options.accept;
      const body = xml
        ? `<AmzShipmentRequest xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ShipmentId>${id}</ShipmentId></AmzShipmentRequest>`
        : JSON.stringify({ ShipmentId: id });
      return http('POST', `/api/mws/shipment/${action}`, { headers, body });
    },
    close: async () => {
      await sandbox.close();
      await agent.destroy();
    },
  };
}

/** Polls until `predicate` holds (MFN refunds resolve after a delay). */
export async function eventually<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (predicate(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}
