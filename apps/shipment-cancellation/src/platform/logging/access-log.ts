// One access-log line per admin and health request (method, path without its query, status, duration, request
// id, caller key id: never a header, so never a key), and the request's id on every line logged meanwhile.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { requestLogContext } from './request-context';

/** The request as Express hands it over; `adminContext.principal` is set by the admin API key guard. */
export type LoggedRequest = IncomingMessage & {
  originalUrl?: string;
  adminContext?: { requestId: string; principal?: { id: string } };
};

export interface AccessLogOptions {
  /** Where the line goes; a Nest Logger (context 'HTTP') unless given. */
  log?: (message: string, fields: Record<string, unknown>) => void;
  newId?: () => string;
}

// Longer paths are cut: a line stays a line whatever a client sends.
const MAX_PATH_LENGTH = 512;

/** The path without its query string or fragment, cut to a sane length. */
export function loggablePath(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  return path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path;
}

export function accessLogMiddleware(options: AccessLogOptions = {}) {
  const logger = new Logger('HTTP');
  const log =
    options.log ?? ((message: string, fields: Record<string, unknown>) => logger.log(message, fields));
  const newId = options.newId ?? randomUUID;
  return (req: LoggedRequest, res: ServerResponse, next: () => void): void => {
    const ownId = newId();
    const requestIdOf = (): string => req.adminContext?.requestId ?? ownId;
    const started = performance.now();
    res.setHeader('x-request-id', ownId);
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const method = req.method ?? 'GET';
      const path = loggablePath(req.originalUrl ?? req.url ?? '');
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      // 'close' before 'finish': the client went away before the whole answer was written.
      const aborted = !res.writableFinished;
      const keyId = req.adminContext?.principal?.id;
      log(`${method} ${path} ${res.statusCode} ${durationMs}ms${aborted ? ' (aborted)' : ''}`, {
        method,
        path,
        status: res.statusCode,
        durationMs,
        requestId: requestIdOf(),
        ...(keyId !== undefined ? { keyId } : {}),
        ...(aborted ? { aborted } : {}),
      });
    };
    res.once('finish', done);
    res.once('close', done);
    requestLogContext.run(
      {
        get requestId() {
          return requestIdOf();
        },
      },
      next,
    );
  };
}
