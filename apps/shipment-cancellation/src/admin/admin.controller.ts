// The admin REST API, /admin/v1. Thin: validate, then one service call. Reads need the viewer role,
// writes the operator role; every write says why, may carry an Idempotency-Key, and is audited.
import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { AdminReadService, type OrderView, type PreviewView } from './admin-read.service';
import {
  type CancellationParams,
  type ListQuery,
  type OrderParams,
  type ShipmentParams,
  type WriteBody,
  cancellationParamsSchema,
  listQuerySchema,
  orderParamsSchema,
  shipmentParamsSchema,
  writeBodySchema,
} from './admin.schemas';
import { AdminApi, OperatorWrite, ViewerRead, type WriteExchange, WriteExchangeOf } from './admin-routes';
import type { CancellationView } from './admin-views';
import { SchemaPipe } from './http/schema.pipe';
import { ManualCancellationService } from './manual-cancellation.service';

const CANCEL_ORDER = 'Cancel every active shipment of an order (reship rule applies)';
const CANCEL_SHIPMENT = 'Cancel one shipment of an order';
const RETRY = 'Send a failed cancellation back to the carrier, due now';

@AdminApi('admin/v1')
export class AdminController {
  constructor(
    private readonly reads: AdminReadService,
    private readonly cancels: ManualCancellationService,
  ) {}

  @Get('orders/:orderId/cancel-preview')
  @ViewerRead('previewOrderCancel', 'Preview cancelling a whole order', 'CancelPreview', ['orderId'])
  previewOrder(@Param(new SchemaPipe(orderParamsSchema, 'path')) p: OrderParams): Promise<PreviewView> {
    return this.reads.preview(p.orderId, undefined);
  }

  @Get('orders/:orderId/shipments/:shipmentId/cancel-preview')
  @ViewerRead('previewShipmentCancel', 'Preview cancelling one shipment', 'CancelPreview', [
    'orderId',
    'shipmentId',
  ])
  previewShipment(
    @Param(new SchemaPipe(shipmentParamsSchema, 'path')) p: ShipmentParams,
  ): Promise<PreviewView> {
    return this.reads.preview(p.orderId, p.shipmentId);
  }

  @Post('orders/:orderId/cancel')
  @OperatorWrite('cancelOrder', CANCEL_ORDER, 'CancelAccepted', ['orderId'])
  cancelOrder(
    @Param(new SchemaPipe(orderParamsSchema, 'path')) p: OrderParams,
    @Body(new SchemaPipe(writeBodySchema, 'body')) body: WriteBody,
    @WriteExchangeOf() exchange: WriteExchange,
  ): Promise<unknown> {
    return this.cancels.cancel({ ...exchange, body }, p.orderId).then(exchange.reply);
  }

  @Post('orders/:orderId/shipments/:shipmentId/cancel')
  @OperatorWrite('cancelShipment', CANCEL_SHIPMENT, 'CancelAccepted', ['orderId', 'shipmentId'])
  cancelShipment(
    @Param(new SchemaPipe(shipmentParamsSchema, 'path')) p: ShipmentParams,
    @Body(new SchemaPipe(writeBodySchema, 'body')) body: WriteBody,
    @WriteExchangeOf() exchange: WriteExchange,
  ): Promise<unknown> {
    return this.cancels.cancel({ ...exchange, body }, p.orderId, p.shipmentId).then(exchange.reply);
  }

  @Get('orders/:orderId/cancellations')
  @ViewerRead(
    'getOrderCancellations',
    "An order's shipments, cancellation requests, every carrier attempt, its events and its audit trail",
    'OrderCancellations',
    ['orderId'],
  )
  orderCancellations(@Param(new SchemaPipe(orderParamsSchema, 'path')) p: OrderParams): Promise<OrderView> {
    return this.reads.orderCancellations(p.orderId);
  }

  @Get('cancellations')
  @ViewerRead(
    'listCancellations',
    'Cancellations in one state, oldest first, a page at a time, narrowed by the filters given',
    'CancellationPage',
    [],
    true,
  )
  list(@Query(new SchemaPipe(listQuerySchema, 'query')) query: ListQuery): Promise<unknown> {
    return this.reads.list(query);
  }

  @Get('cancellations/:cancellationId')
  @ViewerRead('getCancellation', 'One shipment cancellation with every carrier attempt', 'Cancellation', [
    'cancellationId',
  ])
  cancellation(
    @Param(new SchemaPipe(cancellationParamsSchema, 'path')) p: CancellationParams,
  ): Promise<CancellationView> {
    return this.reads.cancellation(p.cancellationId);
  }

  @Post('cancellations/:cancellationId/retry')
  @OperatorWrite('retryCancellation', RETRY, 'Cancellation', ['cancellationId'])
  retry(
    @Param(new SchemaPipe(cancellationParamsSchema, 'path')) p: CancellationParams,
    @Body(new SchemaPipe(writeBodySchema, 'body')) body: WriteBody,
    @WriteExchangeOf() exchange: WriteExchange,
  ): Promise<unknown> {
    return this.cancels.retry({ ...exchange, body }, p.cancellationId).then(exchange.reply);
  }
}
