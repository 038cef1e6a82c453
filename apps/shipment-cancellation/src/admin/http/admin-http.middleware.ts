// Runs before anything else on /admin: gives the request its id, then reads the body itself so that size,
// content type and JSON syntax are refused with our error shape (413/415/400) rather than Express's HTML.
// Nest's own JSON parser comes later and skips a body already read.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { errorBody, sendJson } from './admin-error';
import type { AdminRequest } from './admin-request';
import { validTraceParent } from '../../platform/tracing/trace-context';
import { SpanKind, startSpan, traceParentFor } from '../../platform/tracing/tracing';

export interface AdminHttpOptions {
  bodyLimitBytes: number;
}

function send(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  sendJson(res, status, errorBody(status, code, message, requestId));
}

function hasBody(req: AdminRequest): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

// application/json, optionally with charset=utf-8; nothing else is JSON we promise to read.
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || p === 'charset=utf-8' || p === 'charset="utf-8"');
}

class TooLarge extends Error {}

function readBody(req: AdminRequest, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export function adminHttpMiddleware(options: AdminHttpOptions) {
  return (req: AdminRequest, res: ServerResponse, next: () => void): void => {
    const requestId = randomUUID();
    // The request's span is a child of the caller's traceparent header, when it sent a valid one.
    const incoming = validTraceParent(req.headers['traceparent']);
    const span = startSpan(`admin ${req.method ?? 'HTTP'}`, SpanKind.SERVER, incoming, {
      'http.request.method': req.method ?? '',
      'url.path': (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '',
      'oms.request_id': requestId,
    });
    if (span) res.once('finish', () => span.setAttribute('http.response.status_code', res.statusCode).end());
    req.adminContext = { requestId, traceParent: traceParentFor(span, incoming) };
    res.setHeader('x-request-id', requestId);
    // Cancellation state changes by the second; no cache should keep an answer.
    res.setHeader('cache-control', 'no-store');
    if (!hasBody(req)) {
      next();
      return;
    }
    const tooLarge = (): void => {
      // The rest of the body is not read: close the connection rather than drain it.
      res.setHeader('connection', 'close');
      send(
        res,
        413,
        'payload_too_large',
        `the body must be at most ${options.bodyLimitBytes} bytes`,
        requestId,
      );
    };
    if (
      !isJson(req.headers['content-type']) ||
      (req.headers['content-encoding'] ?? 'identity') !== 'identity'
    ) {
      res.setHeader('connection', 'close');
      send(
        res,
        415,
        'unsupported_media_type',
        'send the body as Content-Type: application/json (UTF-8, not compressed)',
        requestId,
      );
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > options.bodyLimitBytes) {
      tooLarge();
      return;
    }
    readBody(req, options.bodyLimitBytes).then(
      (raw) => {
        const text = raw.toString('utf8');
        if (text.trim() === '') {
          req.body = undefined;
          next();
          return;
        }
        try {
          req.body = JSON.parse(text) as unknown;
        } catch {
          send(res, 400, 'malformed_json', 'the body is not valid JSON', requestId);
          return;
        }
        next();
      },
      (error: unknown) => {
        if (error instanceof TooLarge) tooLarge();
        else send(res, 400, 'unreadable_body', 'the body could not be read', requestId);
      },
    );
  };
}
