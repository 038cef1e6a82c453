import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { AdminError, errorBody, sendJson } from './admin-error';
import type { AdminRequest } from './admin-request';

// Nest's own exceptions keep their status, with our wording: their messages can name internals.
const CODES: Record<number, [string, string]> = {
  400: ['bad_request', 'the request is malformed'],
  401: ['unauthorized', 'a valid API key is required'],
  403: ['forbidden', 'this API key may not do that'],
  404: ['not_found', 'no such resource'],
  405: ['method_not_allowed', 'method not allowed'],
  409: ['conflict', 'the request conflicts with the current state'],
  413: ['payload_too_large', 'the body is too large'],
  415: ['unsupported_media_type', 'send the body as application/json'],
  422: ['validation_failed', 'the request does not match the schema'],
  429: ['too_many_requests', 'too many requests'],
};

/** Every admin error leaves as an ErrorBody; anything unexpected becomes a 500 that says only that. */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<ServerResponse>();
    const req = http.getRequest<AdminRequest>();
    const requestId = req.adminContext?.requestId ?? 'unknown';
    if (exception instanceof AdminError) {
      for (const [name, value] of Object.entries(exception.headers)) res.setHeader(name, value);
      sendJson(
        res,
        exception.status,
        errorBody(exception.status, exception.code, exception.message, requestId, exception.extras),
      );
      return;
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const [code, message] = CODES[status] ?? ['client_error', 'the request was refused'];
      sendJson(res, status, errorBody(status, code, message, requestId));
      return;
    }
    // The details go to the log, under the request id the caller can quote; never to the caller.
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`admin request ${requestId} failed: ${error.message}`, error.stack);
    sendJson(
      res,
      500,
      errorBody(500, 'internal_error', 'the request failed; quote the request id to support', requestId),
    );
  }
}
