import { Agent } from 'undici';
import type { Dispatcher } from 'undici';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /**
   * Asked on a connected socket right before the request is written (it is timed to a rate-limit token): false
   * and it is not sent at all, since a request that waited in the pool for a free connection would arrive after
   * its token's window.
   */
  mayWrite?: () => boolean;
  /**
   * Asked when a connection is free for the request, before it goes to the HTTP client, without using up
   * anything: false and it is given up unsent, with no socket touched. `mayWrite` still decides at the socket.
   */
  canWrite?: () => boolean;
  /** Told once the request is written on a socket: from then on it waits on the server alone. */
  onWritten?: () => void;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * `sent: false` means no byte of the request reached a socket (connect failed, pool queue, aborted early),
 * so the server certainly did not act; `sent: true` means it may have.
 */
export type HttpFailure = {
  kind: 'failure';
  sent: boolean;
  // late: its rate-limit token's window closed before a connection was free for it (never sent)
  reason: 'timeout' | 'connection' | 'aborted' | 'late';
  code?: string;
  message: string;
};

export type HttpResult = { kind: 'response'; response: HttpResponse } | HttpFailure;

export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResult>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const LATE_MESSAGE = "not written: its rate-limit token's window closed before a connection was free";

/**
 * Admits as many requests per origin as there are connections; the rest wait here, in order. A request that
 * waited in undici's own queue would only learn on a connected socket that its rate-limit token had closed, and
 * refusing it there costs the socket (undici destroys a connection whose request is aborted); here it is given
 * up before it touches one.
 */
class ConnectionGate {
  private inFlight = 0;
  private readonly waiting = new Set<(waited: boolean) => void>();

  constructor(private readonly size: number) {}

  /**
   * Calls `admit` once a connection is free for the request (`waited`: not at once); the returned function
   * withdraws it unadmitted.
   */
  enter(admit: (waited: boolean) => void): () => void {
    if (this.inFlight < this.size && this.waiting.size === 0) {
      this.inFlight += 1;
      admit(false);
      return () => undefined;
    }
    this.waiting.add(admit);
    return () => this.waiting.delete(admit);
  }

  leave(): void {
    const next = this.waiting.values().next();
    if (next.done) {
      this.inFlight -= 1;
      return;
    }
    this.waiting.delete(next.value);
    next.value(true);
  }
}

/** Keep-alive HTTP over an undici Agent, with exact knowledge of whether a request was written. */
export class UndiciHttpTransport implements HttpTransport {
  private readonly agent: Agent;
  private readonly connections: number;
  private readonly gates = new Map<string, ConnectionGate>();

  constructor(options: { connectionsPerOrigin?: number } = {}) {
    this.connections = options.connectionsPerOrigin ?? 32;
    this.agent = new Agent({
      connections: this.connections,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      pipelining: 1,
    });
  }

  send(request: HttpRequest): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve) => {
      const url = new URL(request.url);
      const gate = this.gate(url.origin);
      let admitted = false;
      let withdraw = (): unknown => undefined;
      let settled = false;
      let sent = false;
      let controller: Dispatcher.DispatchController | undefined;
      let status = 0;
      let headers: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let size = 0;

      const finish = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (admitted) gate.leave();
        else withdraw();
        resolve(result);
      };
      const stop = (reason: 'timeout' | 'aborted', message: string): void => {
        finish({ kind: 'failure', sent, reason, message });
        // Before onRequestStart there is nothing to abort yet; onRequestStart aborts it unsent.
        controller?.abort(new Error(message));
      };
      const onAbort = (): void => stop('aborted', 'request aborted by caller');
      const timer = setTimeout(
        () => stop('timeout', `no response within ${request.timeoutMs} ms`),
        request.timeoutMs,
      );
      if (request.signal?.aborted) return stop('aborted', 'request aborted by caller');
      request.signal?.addEventListener('abort', onAbort, { once: true });

      const handler: Dispatcher.DispatchHandler = {
        // undici calls this on a connected socket right before writing the request.
        onRequestStart: (ctl) => {
          controller = ctl;
          if (settled) {
            ctl.abort(new Error('given up before sending'));
            return;
          }
          if (request.mayWrite && !request.mayWrite()) {
            finish({ kind: 'failure', sent: false, reason: 'late', message: LATE_MESSAGE });
            ctl.abort(new Error(LATE_MESSAGE));
            return;
          }
          sent = true;
          request.onWritten?.();
        },
        onResponseStart: (_ctl, statusCode, rawHeaders) => {
          status = statusCode;
          headers = normaliseHeaders(rawHeaders);
        },
        onResponseData: (ctl, chunk) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            finish({ kind: 'failure', sent: true, reason: 'connection', message: 'response body too large' });
            ctl.abort(new Error('response body too large'));
            return;
          }
          chunks.push(chunk);
        },
        onResponseEnd: () => {
          finish({
            kind: 'response',
            response: { status, headers, body: Buffer.concat(chunks).toString('utf8') },
          });
        },
        onResponseError: (_ctl, error) => {
          const code = errorCode(error);
          const reason = code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'connection';
          finish({ kind: 'failure', sent, reason, code, message: describe(error, code) });
        },
      };

      const dispatch = (waited: boolean): void => {
        admitted = true;
        // Only a request that waited is asked here. One that goes at once reaches its socket within moments, where
        // `mayWrite` asks anyway, and asking it earlier would refuse it for want of a token that the next moment
        // brings: a token released meanwhile to another call can stand in for it at the socket.
        if (waited && request.canWrite && !request.canWrite()) {
          finish({ kind: 'failure', sent: false, reason: 'late', message: LATE_MESSAGE });
          return;
        }
        this.dispatch(url, request, handler, finish);
      };
      withdraw = gate.enter(dispatch);
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private gate(origin: string): ConnectionGate {
    let gate = this.gates.get(origin);
    if (!gate) {
      gate = new ConnectionGate(this.connections);
      this.gates.set(origin, gate);
    }
    return gate;
  }

  private dispatch(
    url: URL,
    request: HttpRequest,
    handler: Dispatcher.DispatchHandler,
    finish: (result: HttpResult) => void,
  ): void {
    try {
      this.agent.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        },
        handler,
      );
    } catch (error) {
      finish({
        kind: 'failure',
        sent: false,
        reason: 'connection',
        message: describe(error, errorCode(error)),
      });
    }
  }
}

function normaliseHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return undefined;
}

// Error messages only: undici errors carry no headers, so no token can leak through here.
function describe(error: unknown, code: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}
