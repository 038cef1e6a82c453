// The ShipmentPurchased projection: our own record of which shipments each order has. A shipment that
// arrives for an order already cancelled is cancelled now when its label was bought before the cancel (it
// raced the cancel); a label bought after the cancel is the reship, recorded and left alone.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EventOf, EventTypes } from '@oms/events';
import { reshipEligible, reshipRuleFor } from '../../domain/reship-rule';
import type { AppConfig } from '../../platform/config/config';
import { APP_CONFIG } from '../../platform/config/config.module';
import { insertCancellations, type NewShipmentCancellation } from '../../store/cancellations.store';
import type { PendingEvent } from '../../store/outbox.writer';
import {
  findOrderCancels,
  insertShipments,
  type NewShipment,
  type RecountedCancel,
  reopenRecountedCancels,
} from '../../store/shipments.store';
import type { Transaction } from '../../store/unit-of-work';
import { CancellationProgress } from '../apply/cancellation-progress';
import type { Accepted, InboxResult } from './inbox.service';

type ShipmentPurchased = EventOf<typeof EventTypes.shipmentPurchased>;

@Injectable()
export class ShipmentsService {
  constructor(
    private readonly progress: CancellationProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Records the shipments inside the ingest transaction, which already holds their orders' locks. */
  async project(
    tx: Transaction,
    accepted: Accepted<ShipmentPurchased>[],
    now: Date,
  ): Promise<{ results: InboxResult[]; events: PendingEvent[] }> {
    const results: InboxResult[] = accepted.map(() => 'processed');
    if (accepted.length === 0) return { results, events: [] };
    const orderIds = [...new Set(accepted.map((a) => a.event.data.orderId))];
    const fresh = await insertShipments(tx.manager, accepted.map(newShipment), now);
    if (fresh.size === 0) return { results, events: [] };

    // Late arrivals: the order already has an order-level cancellation. A label bought up to the cancel (plus
    // the clock skew allowed) joins it; one bought later is the reship and counts for nothing here.
    const skewMs = this.config.reshipGuardSkewMs;
    const cancels = await findOrderCancels(tx.manager, orderIds, skewMs);
    if (cancels.length === 0) return { results, events: [] };
    const cancelOf = new Map(cancels.map((c) => [c.orderId, c]));
    const late: NewShipmentCancellation[] = [];
    for (const { data } of accepted.map((a) => a.event)) {
      const cancel = cancelOf.get(data.orderId);
      if (!cancel || !fresh.has(data.shipmentId)) continue;
      if (new Date(data.purchasedAt) > new Date(cancel.cutoff)) continue; // the reship: left alone
      late.push({
        id: randomUUID(),
        requestId: cancel.requestId,
        orderId: data.orderId,
        shipmentId: data.shipmentId,
        carrier: data.carrier,
        carrierShipmentId: data.carrierShipmentId,
        sellerAccount: data.sellerAccount,
        reshipEligible: reshipEligible(reshipRuleFor(cancel.created)),
      });
    }
    if (late.length === 0) return { results, events: [] };
    const lateOrders = [...new Set(late.map((c) => c.orderId))];
    await insertCancellations(tx.manager, { cancellations: late }, now);
    tx.workDue();
    // The order now counts one more shipment bought before its cancel (counted already by findOrderCancels, in
    // this transaction): the rule may change from one to several (manual reship).
    const recounted: RecountedCancel[] = lateOrders.flatMap((orderId) => {
      const cancel = cancelOf.get(orderId);
      return cancel
        ? [{ id: cancel.requestId, shipmentCount: cancel.created, rule: reshipRuleFor(cancel.created) }]
        : [];
    });
    await reopenRecountedCancels(tx.manager, recounted);
    const events = await this.progress.update(tx.manager, lateOrders, now);
    return { results, events };
  }
}

function newShipment({ event }: Accepted<ShipmentPurchased>): NewShipment {
  const d = event.data;
  return {
    id: d.shipmentId,
    orderId: d.orderId,
    carrier: d.carrier,
    carrierShipmentId: d.carrierShipmentId,
    businessId: d.businessId ?? null,
    marketplaceId: d.marketplaceId ?? null,
    sellerAccount: d.sellerAccount,
    trackingId: d.trackingId ?? null,
    carrierId: d.carrierId ?? null,
    labelCostAmount: d.labelCost.amount,
    labelCostCurrency: d.labelCost.currency,
    purchasedAt: d.purchasedAt,
    cancelWindowEndsAt: d.cancelWindowEndsAt ?? null,
    sourceEventId: event.id,
  };
}
