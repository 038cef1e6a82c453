// One error shape for every admin response that is not a success: a stable code for programs, a message for
// people, the request id to quote, and for validation the exact fields at fault. Never a stack or an
// internal message.
import type { ServerResponse } from 'node:http';

export type FieldLocation = 'body' | 'path' | 'query' | 'header';

export interface FieldProblem {
  location: FieldLocation;
  /** JSON Pointer into the location, e.g. `/reason`. */
  path: string;
  message: string;
}

export interface ErrorExtras {
  details?: FieldProblem[];
  /** What the request conflicts with (409): the existing cancellation, its state. */
  conflict?: Record<string, string | null>;
}

export interface ErrorBody extends ErrorExtras {
  statusCode: number;
  error: string;
  message: string;
  requestId: string;
}

export function errorBody(
  status: number,
  code: string,
  message: string,
  requestId: string,
  extras: ErrorExtras = {},
): ErrorBody {
  return { statusCode: status, error: code, message, requestId, ...extras };
}

/** Thrown by the admin layer; the admin exception filter turns it into an ErrorBody. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extras: ErrorExtras = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AdminError';
  }

  static validation(details: FieldProblem[]): AdminError {
    return new AdminError(422, 'validation_failed', 'the request does not match the schema; see details', {
      details,
    });
  }
}

/** Writes a JSON answer with plain Node (the middleware runs before Nest and Express have a say). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
