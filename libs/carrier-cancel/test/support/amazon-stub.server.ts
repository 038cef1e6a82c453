import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub saw it. */
export interface RecordedRequest {
  method: string;
  /** Path with query. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type StubReply =
  | {
      status: number;
      json?: unknown;
      text?: string;
      contentType?: string;
      headers?: Record<string, string>;
      delayMs?: number;
    }
  // Reads the whole request, then destroys the socket: the server may have acted, the client never learns.
  | { drop: true }
  // Reads the request and never answers.
  | { hang: true };

export type Responder = StubReply | ((request: RecordedRequest) => StubReply | Promise<StubReply>);

interface Route {
  method: string;
  path: string | RegExp;
  replies: Responder[];
}

/**
 * A local HTTP server standing in for Amazon in specs: scripted replies per route (in order, the last one
 * repeating), every request recorded, and an LWA token endpoint at /auth/o2/token issuing fresh tokens.
 */
export class AmazonStubServer {
  readonly requests: RecordedRequest[] = [];
  /** The access tokens the LWA endpoint handed out, in order. */
  readonly issuedTokens: string[] = [];
  private readonly routes: Route[] = [];
  private issued = 0;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<AmazonStubServer> {
    const holder: { stub?: AmazonStubServer } = {};
    const server = createServer((req, res) => {
      void holder.stub?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const stub = new AmazonStubServer(server, `http://127.0.0.1:${port}`);
    holder.stub = stub;
    stub.on('POST', '/auth/o2/token', () => stub.issueToken());
    return stub;
  }

  /** Adds a route; later routes win over earlier ones for the same request. */
  on(method: string, path: string | RegExp, ...replies: Responder[]): this {
    this.routes.unshift({ method, path, replies: [...replies] });
    return this;
  }

  issueToken(expiresIn = 3600): StubReply {
    this.issued += 1;
    const token = `Atza|stub-access-token-${this.issued}`;
    this.issuedTokens.push(token);
    return { status: 200, json: { access_token: token, token_type: 'bearer', expires_in: expiresIn } };
  }

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && matches(path, r.pathname));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      pathname: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(recorded);
    const route = this.routes.find((r) => r.method === recorded.method && matches(r.path, recorded.pathname));
    const responder: Responder = route
      ? ((route.replies.length > 1 ? route.replies.shift() : route.replies[0]) as Responder)
      : { status: 404, json: { errors: [{ code: 'NotFound', message: 'No stub route for this request.' }] } };
    const reply = typeof responder === 'function' ? await responder(recorded) : responder;
    if ('drop' in reply) {
      req.socket.destroy();
      return;
    }
    if ('hang' in reply) return;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
    const contentType = reply.contentType ?? (reply.json !== undefined ? 'application/json' : 'text/plain');
    res.writeHead(reply.status, {
      'content-type': contentType,
      'x-amzn-RequestId': `req-${this.requests.length}`,
      ...reply.headers,
    });
    res.end(body);
  }
}

function matches(path: string | RegExp, pathname: string): boolean {
  return typeof path === 'string' ? path === pathname : path.test(pathname);
}

/** An SP-API error body. */
export function errorBody(
  code: string,
  message: string,
  details?: string,
): { errors: Array<Record<string, string>> } {
  return { errors: [{ code, message, ...(details !== undefined ? { details } : {}) }] };
}
