// The routes that close what needs a person and retry failures in bulk, under /admin/v1/cancellations.
// Thin, as the rest of the admin API: validate, one service call; both are operators' audited writes.
import { Body, Param, Post } from '@nestjs/common';
import {
  type BulkRetryBody,
  type CancellationParams,
  type ResolveBody,
  bulkRetryBodySchema,
  cancellationParamsSchema,
  resolveBodySchema,
} from './admin.schemas';
import { AdminApi, OperatorWrite, type WriteExchange, WriteExchangeOf } from './admin-routes';
import { BulkRetryService } from './bulk-retry.service';
import { CancellationResolutionService } from './cancellation-resolution.service';
import { SchemaPipe } from './http/schema.pipe';

const RESOLVE = 'Close a failed, unknown or refund_pending cancellation with what an operator found out';
const RESOLVED =
  'Resolved: the cancellation is settled (`resolution` says by whom and why) and its one final event ' +
  '(ShipmentCancelled or ShipmentCancellationFailed) is on its way; the carrier is not called.';
const RETRY_MANY = 'Send every failed cancellation matching a filter back to the carrier (at most `limit`)';
const RETRIED =
  'How many failed cancellations match (`matched`) and, unless `dryRun`, which were sent back to the carrier ' +
  'worker, due now (`retried`); with `dryRun` nothing changes and `count` is how many a call would retry.';

@AdminApi('admin/v1/cancellations')
export class ResolutionController {
  constructor(
    private readonly resolutions: CancellationResolutionService,
    private readonly bulkRetry: BulkRetryService,
  ) {}

  @Post('retry')
  @OperatorWrite('retryCancellations', RETRY_MANY, 'BulkRetry', [], {
    body: bulkRetryBodySchema,
    status: 200,
    description: RETRIED,
    errors: [400, 401, 403, 413, 415, 422, 429],
  })
  retryMany(
    @Body(new SchemaPipe(bulkRetryBodySchema, 'body')) body: BulkRetryBody,
    @WriteExchangeOf() exchange: WriteExchange,
  ): Promise<unknown> {
    return this.bulkRetry.retryMany({ ...exchange, body }).then(exchange.reply);
  }

  @Post(':cancellationId/resolve')
  @OperatorWrite('resolveCancellation', RESOLVE, 'Cancellation', ['cancellationId'], {
    body: resolveBodySchema,
    status: 200,
    description: RESOLVED,
  })
  resolve(
    @Param(new SchemaPipe(cancellationParamsSchema, 'path')) p: CancellationParams,
    @Body(new SchemaPipe(resolveBodySchema, 'body')) body: ResolveBody,
    @WriteExchangeOf() exchange: WriteExchange,
  ): Promise<unknown> {
    return this.resolutions.resolve({ ...exchange, body }, p.cancellationId).then(exchange.reply);
  }
}
