// The HTTP request being handled, if any. The access-log middleware runs the rest of each admin and health
// request inside it, so that every line logged on the request's behalf (guards, handlers, the services they
// call) carries its `requestId` (see JsonLogger).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestLogContext {
  readonly requestId: string;
}

export const requestLogContext = new AsyncLocalStorage<RequestLogContext>();

/** The id of the HTTP request being handled, or undefined outside one. */
export function currentRequestId(): string | undefined {
  return requestLogContext.getStore()?.requestId;
}
