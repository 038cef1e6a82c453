// The decorators of the admin controllers: a route's role, status and OpenAPI description said once, and the
// request and response of an audited write.
import {
  Controller,
  type ExecutionContext,
  HttpCode,
  UseFilters,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { AdminRead, AdminWrite, ApiAdmin, type WriteDoc } from './admin-openapi.decorators';
import type { AdminResponse } from './audited-write.service';
import { ApiKeyGuard, RequiresRole } from './auth/api-key.guard';
import { AdminExceptionFilter } from './http/admin-exception.filter';
import { type AdminRequest, type Caller, callerOf, idempotencyKeyOf } from './http/admin-request';
import { pathOf, reply } from './http/admin-response';

/** An admin controller at `path`: behind the API key guard, its errors in the admin error shape. */
export function AdminApi(path: string): ClassDecorator {
  return applyDecorators(
    ApiAdmin(),
    Controller(path),
    UseGuards(ApiKeyGuard),
    UseFilters(AdminExceptionFilter),
  );
}

/** A read: the viewer role is enough. Arguments as `AdminRead`'s. */
export function ViewerRead(...args: Parameters<typeof AdminRead>): MethodDecorator {
  return applyDecorators(RequiresRole('viewer'), AdminRead(...args));
}

/** An audited write: the operator role, answered with `doc.status` (202 by default). Arguments as `AdminWrite`'s. */
export function OperatorWrite(
  operationId: string,
  summary: string,
  response: string,
  params: string[],
  doc: WriteDoc = {},
): MethodDecorator {
  return applyDecorators(
    HttpCode(doc.status ?? 202),
    RequiresRole('operator'),
    AdminWrite(operationId, summary, response, params, doc),
  );
}

/** What an audited write needs of its request (who, the idempotency key, the path) and how it answers. */
export interface WriteExchange {
  caller: Caller;
  idempotencyKey: string | null;
  path: string;
  /** Sets the answer's status (and replay header) on the response; returns its body. */
  reply: (answer: AdminResponse) => unknown;
}

export const WriteExchangeOf = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): WriteExchange => {
    const http = ctx.switchToHttp();
    const req = http.getRequest<AdminRequest>();
    const res = http.getResponse<ServerResponse>();
    return {
      caller: callerOf(req),
      idempotencyKey: idempotencyKeyOf(req),
      path: pathOf(req),
      reply: (answer) => reply(res, answer),
    };
  },
);
