// The baseline the issue compares against: stock @EventPattern handlers on the stock ServerKafka, doing the
// whole job inside the handler, one message at a time — read the shipments, call the carrier and wait,
// write the result, produce the outputs. No inbox, no outbox, no batching: what a first version looks like.
import { Controller, Inject, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClientKafka, EventPattern, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { randomUUID } from 'node:crypto';
import type { CancelOutcome, CarrierCancelPort } from '@oms/carrier-cancel';
import {
  type AnyEvent,
  type DataFor,
  type EventType,
  EventTypes,
  type ManualReshipRequired,
  type OrderCancelledEvent,
  type ShipmentCancellationFailed,
  type ShipmentCancelled,
  type ShipmentPurchasedEvent,
  createEvent,
} from '@oms/events';
import type { NaiveShipment } from './naive.store';
import { NaiveStore } from './naive.store';

export const NAIVE_OUTPUTS = 'NAIVE_OUTPUTS';
export const NAIVE_CARRIER = 'NAIVE_CARRIER';

// @EventPattern takes the topic name when the class is declared, so it comes from the environment.
const topics = {
  orderCancelled: process.env['TOPIC_ORDER_CANCELLED'] ?? 'oms.order.cancelled.v1',
  shipmentPurchased: process.env['TOPIC_SHIPMENT_PURCHASED'] ?? 'oms.shipment.purchased.v1',
  shipmentCancelled: process.env['TOPIC_SHIPMENT_CANCELLED'] ?? 'oms.shipment.cancelled.v1',
  manualReshipRequired: process.env['TOPIC_MANUAL_RESHIP_REQUIRED'] ?? 'oms.order.manual-reship-required.v1',
  shipmentCancellationFailed:
    process.env['TOPIC_SHIPMENT_CANCELLATION_FAILED'] ?? 'oms.shipment.cancellation-failed.v1',
};

@Controller()
export class NaiveCancellationController implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly store: NaiveStore,
    @Inject(NAIVE_CARRIER) private readonly carrier: CarrierCancelPort,
    @Inject(NAIVE_OUTPUTS) private readonly outputs: ClientKafka,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.migrate();
    await this.outputs.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.outputs.close();
    await this.store.close();
  }

  @EventPattern(topics.shipmentPurchased)
  async onShipmentPurchased(@Payload() event: ShipmentPurchasedEvent): Promise<void> {
    await this.store.project(event.data);
  }

  @EventPattern(topics.orderCancelled)
  async onOrderCancelled(@Payload() event: OrderCancelledEvent): Promise<void> {
    const shipments = await this.store.shipmentsOf(event.data.orderId);
    const several = shipments.length > 1;
    const summary: ManualReshipRequired['shipments'] = [];
    for (const shipment of shipments) {
      const outcome = await this.carrier.cancel({
        api: shipment.carrier,
        carrierShipmentId: shipment.carrierShipmentId,
        sellerAccount: shipment.sellerAccount,
        ...(shipment.businessId ? { businessId: shipment.businessId } : {}),
        ...(shipment.marketplaceId ? { marketplaceId: shipment.marketplaceId } : {}),
      });
      await this.store.record(shipment, outcome.kind, outcome.requestId ?? null);
      const cancelled =
        outcome.kind === 'voided' ||
        outcome.kind === 'refund_pending' ||
        outcome.kind === 'already_cancelled';
      summary.push({
        shipmentId: shipment.id,
        carrierShipmentId: shipment.carrierShipmentId,
        carrier: shipment.carrier,
        outcome: cancelled ? outcome.kind : 'failed',
      });
      if (cancelled)
        await this.emit(
          EventTypes.shipmentCancelled,
          topics.shipmentCancelled,
          this.cancelled(event, shipment, outcome, !several),
        );
      else
        await this.emit(
          EventTypes.shipmentCancellationFailed,
          topics.shipmentCancellationFailed,
          this.failed(event, shipment, outcome),
        );
    }
    if (several) {
      const data: ManualReshipRequired = {
        ...this.base(event),
        reason: 'multiple_shipments',
        cancelReason: event.data.reason ?? null,
        sequence: 1,
        shipmentCount: shipments.length,
        shipments: summary,
        message: `Order ${event.data.orderId} had ${shipments.length} shipments: reship by hand.`,
        requiredAt: new Date().toISOString(),
      };
      await this.emit(EventTypes.manualReshipRequired, topics.manualReshipRequired, data);
    }
  }

  private async emit<K extends EventType>(type: K, topic: string, data: DataFor<K>): Promise<void> {
    const event = createEvent(type, data, { source: '/oms/naive-baseline' }) as AnyEvent;
    await lastValueFrom(
      this.outputs.emit(topic, { key: (data as { orderId: string }).orderId, value: JSON.stringify(event) }),
    );
  }

  private base(event: OrderCancelledEvent) {
    return {
      schemaVersion: 1 as const,
      orderId: event.data.orderId,
      cancellationId: randomUUID(),
      trigger: 'order_event' as const,
      actor: event.data.requestedBy ?? event.source,
      causationId: event.id,
      correlationId: event.id,
    };
  }

  /** The order, money and sequence fields of both outcome events (the naive baseline sends one event each). */
  private outcomeFields(event: OrderCancelledEvent, shipment: NaiveShipment, refunded: boolean) {
    const labelCost = { amount: shipment.labelAmount, currency: shipment.labelCurrency };
    return {
      sellerAccount: shipment.sellerAccount,
      marketplaceId: shipment.marketplaceId ?? null,
      businessId: shipment.businessId ?? null,
      cancelReason: event.data.reason ?? null,
      labelCost,
      refund: refunded
        ? { status: 'applied' as const, ...labelCost, source: 'label_cost' as const }
        : { status: 'none' as const, source: 'none' as const },
      sequence: 1,
    };
  }

  private exchange(shipment: NaiveShipment, outcome: CancelOutcome) {
    return {
      api: shipment.carrier,
      carrierShipmentId: shipment.carrierShipmentId,
      requestId: outcome.requestId ?? null,
      httpStatus: outcome.httpStatus ?? null,
      errorCode: outcome.errorCode ?? null,
      errorMessage: outcome.errorMessage ?? null,
    };
  }

  private cancelled(
    event: OrderCancelledEvent,
    shipment: NaiveShipment,
    outcome: CancelOutcome,
    reshipEligible: boolean,
  ): ShipmentCancelled {
    const kind = outcome.kind as ShipmentCancelled['outcome'];
    const now = new Date().toISOString();
    return {
      ...this.base(event),
      shipmentId: shipment.id,
      carrier: this.exchange(shipment, outcome),
      outcome: kind,
      final: true,
      reshipEligible,
      labelRefund: {
        amount: shipment.labelAmount,
        currency: shipment.labelCurrency,
        status: kind === 'voided' ? 'applied' : kind === 'refund_pending' ? 'pending' : 'none',
      },
      ...this.outcomeFields(event, shipment, kind === 'voided'),
      ...(kind === 'refund_pending'
        ? { refund: { status: 'unconfirmed' as const, source: 'none' as const } }
        : {}),
      requestedAt: event.time,
      cancelledAt: now,
    };
  }

  private failed(
    event: OrderCancelledEvent,
    shipment: NaiveShipment,
    outcome: CancelOutcome,
  ): ShipmentCancellationFailed {
    return {
      ...this.base(event),
      shipmentId: shipment.id,
      carrier: this.exchange(shipment, outcome),
      reason: outcome.kind === 'rejected' ? outcome.reason : 'retries_exhausted',
      requiresManualAction: true,
      errorDetails: outcome.errorDetails ?? null,
      labelRefund: { amount: shipment.labelAmount, currency: shipment.labelCurrency, status: 'none' },
      ...this.outcomeFields(event, shipment, false),
      reshipEligible: false,
      requestedAt: event.time,
      failedAt: new Date().toISOString(),
    };
  }
}
