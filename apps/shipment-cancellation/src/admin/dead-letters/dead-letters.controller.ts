// The dead-letter routes, /admin/v1/dead-letters. Thin, as the rest of the admin API: validate, one service
// call. Reads need the viewer role; a redrive is an operator's audited, idempotent write.
import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { AdminApi, OperatorWrite, ViewerRead, type WriteExchange, WriteExchangeOf } from '../admin-routes';
import type { DeadLetterView } from './dead-letter-views';
import {
  type BulkRedriveBody,
  type DeadLetterListQuery,
  type DeadLetterParams,
  type RedriveBody,
  bulkRedriveBodySchema,
  deadLetterListQuerySchema,
  deadLetterParamsSchema,
  redriveBodySchema,
} from './dead-letters.schemas';
import { DeadLettersService } from './dead-letters.service';
import { SchemaPipe } from '../http/schema.pipe';

const SENT =
  'Sent and acknowledged by every in-sync replica (`published` says where it landed), or not sent because it ' +
  'was redriven before (`alreadyRedriven`; send `force: true` to send it again).';
const BULK =
  'What was sent (`redriven`, each with where it landed) or, with `dryRun`, only how many would be (`count`). ' +
  'Dead letters redriven before are skipped unless `force`; `more` says whether matching ones are left.';

@AdminApi('admin/v1/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ViewerRead(
    'listDeadLetters',
    'Dead letters (inputs that could never be processed), oldest first, a page at a time',
    'DeadLetterPage',
    [],
    deadLetterListQuerySchema,
  )
  list(
    @Query(new SchemaPipe(deadLetterListQuerySchema, 'query')) query: DeadLetterListQuery,
  ): Promise<unknown> {
    return this.deadLetters.list(query);
  }

  @Post('redrive')
  @OperatorWrite(
    'redriveDeadLetters',
    'Send the dead letters matching a filter back to their topics (at most `limit` per call)',
    'DeadLetterBulkRedrive',
    [],
    {
      body: bulkRedriveBodySchema,
      status: 200,
      description: BULK,
      errors: [400, 401, 403, 413, 415, 422, 429, 503],
    },
  )
  redriveMany(
    @Body(new SchemaPipe(bulkRedriveBodySchema, 'body')) body: BulkRedriveBody,
    @WriteExchangeOf() exchange: WriteExchange,
  ): Promise<unknown> {
    const call = { ...exchange, body };
    return this.deadLetters.redriveMany(call).then(exchange.reply);
  }

  @Get(':deadLetterId')
  @ViewerRead('getDeadLetter', 'One dead letter with its whole payload', 'DeadLetter', ['deadLetterId'])
  get(@Param(new SchemaPipe(deadLetterParamsSchema, 'path')) p: DeadLetterParams): Promise<DeadLetterView> {
    return this.deadLetters.get(p.deadLetterId);
  }

  @Post(':deadLetterId/redrive')
  @OperatorWrite(
    'redriveDeadLetter',
    'Send a dead letter back to its topic and partition: the original key, bytes and headers',
    'DeadLetterRedrive',
    ['deadLetterId'],
    {
      body: redriveBodySchema,
      status: 200,
      description: SENT,
      errors: [400, 401, 403, 404, 413, 415, 422, 429, 503],
    },
  )
  redrive(
    @Param(new SchemaPipe(deadLetterParamsSchema, 'path')) p: DeadLetterParams,
    @Body(new SchemaPipe(redriveBodySchema, 'body')) body: RedriveBody,
    @WriteExchangeOf() exchange: WriteExchange,
  ): Promise<unknown> {
    const call = { ...exchange, body };
    return this.deadLetters.redriveOne(call, p.deadLetterId).then(exchange.reply);
  }
}
