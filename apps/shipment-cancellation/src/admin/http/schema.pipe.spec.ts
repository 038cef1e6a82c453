import {
  bulkRetryBodySchema,
  cancellationParamsSchema,
  listQuerySchema,
  shipmentParamsSchema,
  writeBodySchema,
} from '../admin.schemas';
import { deadLetterListQuerySchema } from '../dead-letters/dead-letters.schemas';
import { AdminError, type FieldProblem } from './admin-error';
import { SchemaPipe } from './schema.pipe';

function problems(pipe: SchemaPipe<unknown>, value: unknown): FieldProblem[] {
  try {
    pipe.transform(value);
  } catch (error) {
    if (error instanceof AdminError) {
      expect(error).toMatchObject({ status: 422, code: 'validation_failed' });
      return error.extras.details ?? [];
    }
    throw error;
  }
  throw new Error('the value was accepted');
}

describe('SchemaPipe (request validation with field paths)', () => {
  const body = new SchemaPipe(writeBodySchema, 'body');

  it('accepts a write body with a reason, SQL and markup included, unchanged', () => {
    const reason = `'; DROP TABLE shipment; -- <script>alert(1)</script>`;
    expect(body.transform({ reason })).toEqual({ reason });
  });

  it.each<[string, unknown, FieldProblem[]]>([
    ['a missing body', undefined, [{ location: 'body', path: '/reason', message: 'is required' }]],
    ['an empty object', {}, [{ location: 'body', path: '/reason', message: 'is required' }]],
    [
      'an empty reason',
      { reason: '' },
      [
        { location: 'body', path: '/reason', message: 'must NOT have fewer than 1 characters' },
        { location: 'body', path: '/reason', message: 'must not be blank' },
      ],
    ],
    [
      'a blank reason',
      { reason: ' \n\t ' },
      [{ location: 'body', path: '/reason', message: 'must not be blank' }],
    ],
    [
      'a number as reason',
      { reason: 42 },
      [{ location: 'body', path: '/reason', message: 'must be string' }],
    ],
    [
      'a reason too long',
      { reason: 'x'.repeat(2001) },
      [{ location: 'body', path: '/reason', message: 'must NOT have more than 2000 characters' }],
    ],
    [
      'an unknown field',
      { reason: 'ok', dryRun: true },
      [{ location: 'body', path: '/dryRun', message: 'is not allowed' }],
    ],
    [
      'a reason holding NUL, which Postgres cannot store',
      { reason: 'a\u0000b' },
      [{ location: 'body', path: '/reason', message: 'must not contain NUL (U+0000)' }],
    ],
    ['an array', [{ reason: 'x' }], [{ location: 'body', path: '/', message: 'must be object' }]],
    ['null', null, [{ location: 'body', path: '/', message: 'must be object' }]],
  ])('names the field at fault for %s', (_what, value, expected) => {
    expect(problems(body, value)).toEqual(expected);
  });

  it('accepts any other character in a reason: lines, tabs, emoji', () => {
    const reason = 'called twice\n\tticket 4711 \u{1F4E6}';
    expect(body.transform({ reason })).toEqual({ reason });
  });

  it('refuses control characters in ids and filters, wherever they are, with one message', () => {
    const expected = (location: FieldProblem['location'], path: string): FieldProblem[] => [
      { location, path, message: 'must not contain control characters' },
    ];
    const pipe = new SchemaPipe(shipmentParamsSchema, 'path');
    expect(problems(pipe, { orderId: 'ABC\u0000DEF', shipmentId: 's' })).toEqual(
      expected('path', '/orderId'),
    );
    expect(problems(pipe, { orderId: 'o', shipmentId: 's\n1' })).toEqual(expected('path', '/shipmentId'));
    expect(
      problems(new SchemaPipe(bulkRetryBodySchema, 'body'), { reason: 'r', sellerAccount: 'seller\u007f' }),
    ).toEqual(expected('body', '/sellerAccount'));
    expect(problems(new SchemaPipe(deadLetterListQuerySchema, 'query'), { orderId: 'o\u0000' })).toEqual(
      expected('query', '/orderId'),
    );
  });

  it('checks path ids: cancellation ids are UUIDs, order and shipment ids any printable text up to 200 characters', () => {
    expect(problems(new SchemaPipe(cancellationParamsSchema, 'path'), { cancellationId: 'abc' })).toEqual([
      { location: 'path', path: '/cancellationId', message: 'must match format "uuid"' },
    ]);
    const ids = { orderId: `o'; DROP TABLE shipment; --`, shipmentId: '<script>alert(1)</script>' };
    expect(new SchemaPipe(shipmentParamsSchema, 'path').transform(ids)).toEqual(ids);
    expect(
      problems(new SchemaPipe(shipmentParamsSchema, 'path'), { orderId: 'o'.repeat(201), shipmentId: 's' }),
    ).toEqual([{ location: 'path', path: '/orderId', message: 'must NOT have more than 200 characters' }]);
  });

  describe('list query', () => {
    const query = new SchemaPipe(listQuerySchema, 'query');

    it('reads numbers from query text and fills the default page size', () => {
      expect(query.transform({ state: 'failed', limit: '20' })).toEqual({ state: 'failed', limit: 20 });
      expect(query.transform({ state: 'pending' })).toEqual({ state: 'pending', limit: 50 });
    });

    it('lists every problem at once, allowed states included', () => {
      expect(problems(query, { state: 'lost', limit: '500', sort: 'x' })).toEqual([
        { location: 'query', path: '/sort', message: 'is not allowed' },
        {
          location: 'query',
          path: '/state',
          message:
            'must be one of: pending, in_flight, unknown, refund_pending, voided, already_cancelled, failed',
        },
        { location: 'query', path: '/limit', message: 'must be <= 200' },
      ]);
      expect(problems(query, { limit: 'ten' })).toEqual([
        { location: 'query', path: '/state', message: 'is required' },
        { location: 'query', path: '/limit', message: 'must be integer' },
      ]);
    });
  });
});
