import { type ArgumentsHost, ForbiddenException, Logger, NotFoundException } from '@nestjs/common';
import { AdminError } from './admin-error';
import { AdminExceptionFilter } from './admin-exception.filter';

function run(exception: unknown): {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const headers: Record<string, string> = {};
  let ended = '';
  const res = {
    statusCode: 200,
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    end: (text: string) => (ended = text),
  };
  const req = { adminContext: { requestId: 'req-42' } };
  const host = {
    switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }),
  } as unknown as ArgumentsHost;
  new AdminExceptionFilter().catch(exception, host);
  return { status: res.statusCode, headers, body: JSON.parse(ended) as Record<string, unknown> };
}

describe('AdminExceptionFilter', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('sends an AdminError as it is, with its headers and the request id', () => {
    const answer = run(new AdminError(429, 'too_many_requests', 'slow down', {}, { 'retry-after': '7' }));
    expect(answer).toEqual({
      status: 429,
      headers: { 'retry-after': '7', 'content-type': 'application/json; charset=utf-8' },
      body: { statusCode: 429, error: 'too_many_requests', message: 'slow down', requestId: 'req-42' },
    });
  });

  it("keeps a Nest exception's status with our own wording", () => {
    expect(run(new NotFoundException('Cannot find table "shipment" in schema public')).body).toEqual({
      statusCode: 404,
      error: 'not_found',
      message: 'no such resource',
      requestId: 'req-42',
    });
    expect(run(new ForbiddenException()).status).toBe(403);
  });

  it('turns anything else into a bare 500: no message, no stack, no SQL', () => {
    const error = new Error('duplicate key value violates unique constraint "idempotency_record_pkey"');
    const answer = run(error);
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      statusCode: 500,
      error: 'internal_error',
      message: 'the request failed; quote the request id to support',
      requestId: 'req-42',
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/constraint|at |\.ts/);
    // The details are not lost: they go to the log, under the request id.
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringContaining('req-42'), error.stack);
  });
});
