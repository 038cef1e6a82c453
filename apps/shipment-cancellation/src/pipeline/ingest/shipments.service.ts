// The ShipmentPurchased projection: our own record of which shipments each order has. A shipment that
// arrives for an order already cancelled is cancelled now when its label was bought before the cancel (it
// raced the cancel); a label bought after the cancel is the reship, recorded and left alone.
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventOf, EventTypes } from '@oms/events';
import { CancellationProgress } from '../apply/cancellation-progress';
import { insertCancellations } from './cancellation.service';
import { reshipEligible, reshipRuleFor } from '../../domain/reship-rule';
import type { Accepted, InboxResult } from './inbox.service';
import type { PendingEvent } from '../../store/outbox.writer';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';

@Injectable()
export class ShipmentsService {
  constructor(
    private readonly progress: CancellationProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async project(
    manager: EntityManager,
    accepted: Accepted<EventOf<typeof EventTypes.shipmentPurchased>>[],
    now: Date,
  ): Promise<{ results: InboxResult[]; events: PendingEvent[]; lateCancellations: number }> {
    const results: InboxResult[] = accepted.map(() => 'processed');
    if (accepted.length === 0) return { results, events: [], lateCancellations: 0 };
    // The ingest transaction already holds these orders' locks.
    const orderIds = [...new Set(accepted.map((a) => a.event.data.orderId))];

    const data = accepted.map((a) => a.event.data);
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO shipment (id, order_id, carrier, carrier_shipment_id, business_id, marketplace_id, seller_account,
                             tracking_id, carrier_id, label_cost_amount, label_cost_currency, purchased_at,
                             cancel_window_ends_at, source_event_id, created_at, updated_at)
       SELECT *, $15::timestamptz, $15::timestamptz
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::numeric[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::text[])
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        data.map((d) => d.shipmentId),
        data.map((d) => d.orderId),
        data.map((d) => d.carrier),
        data.map((d) => d.carrierShipmentId),
        data.map((d) => d.businessId ?? null),
        data.map((d) => d.marketplaceId ?? null),
        data.map((d) => d.sellerAccount),
        data.map((d) => d.trackingId ?? null),
        data.map((d) => d.carrierId ?? null),
        data.map((d) => d.labelCost.amount),
        data.map((d) => d.labelCost.currency),
        data.map((d) => d.purchasedAt),
        data.map((d) => d.cancelWindowEndsAt ?? null),
        accepted.map((a) => a.event.id),
        now,
      ],
    );
    const fresh = new Set(inserted.map((r) => r.id));
    if (fresh.size === 0) return { results, events: [], lateCancellations: 0 };

    // Late arrivals: the order already has an order-level cancellation. A label bought up to the cancel (plus
    // the clock skew allowed) joins it; one bought later is the reship and counts for nothing here.
    const skewMs = this.config.reshipGuardSkewMs;
    const cancelled: Array<{ requestId: string; orderId: string; cutoff: Date; created: number }> =
      await manager.query(
        `SELECT r.id AS "requestId", r.order_id AS "orderId", r.created_at + $2 * interval '1 millisecond' AS cutoff,
                (SELECT count(*)::int FROM shipment s
                  WHERE s.order_id = r.order_id AND s.purchased_at <= r.created_at + $2 * interval '1 millisecond') AS created
           FROM cancellation_request r
          WHERE r.scope = 'order' AND r.order_id = ANY($1)`,
        [orderIds, skewMs],
      );
    if (cancelled.length === 0) return { results, events: [], lateCancellations: 0 };
    const requestOf = new Map(cancelled.map((c) => [c.orderId, c]));
    const rows: unknown[][] = [];
    for (const d of data) {
      const request = requestOf.get(d.orderId);
      if (!request || !fresh.has(d.shipmentId)) continue;
      if (new Date(d.purchasedAt) > new Date(request.cutoff)) continue; // the reship: left alone
      const rule = reshipRuleFor(request.created);
      rows.push([
        randomUUID(),
        request.requestId,
        d.orderId,
        d.shipmentId,
        d.carrier,
        d.carrierShipmentId,
        d.sellerAccount,
        reshipEligible(rule),
      ]);
    }
    if (rows.length === 0) return { results, events: [], lateCancellations: 0 };
    const lateOrders = [...new Set(rows.map((r) => r[2] as string))];
    await insertCancellations(manager, rows, now);
    // The order now counts one more shipment bought before its cancel: the rule may change from one to several
    // (manual reship).
    await manager.query(
      `UPDATE cancellation_request r
          SET shipment_count = c.created,
              rule = CASE WHEN c.created = 0 THEN 'no_shipments' WHEN c.created = 1 THEN 'single_shipment'
                          ELSE 'multiple_shipments' END,
              status = 'in_progress', completed_at = NULL
         FROM (SELECT q.id, count(*)::int AS created
                 FROM cancellation_request q JOIN shipment s ON s.order_id = q.order_id
                WHERE q.scope = 'order' AND q.order_id = ANY($1)
                  AND s.purchased_at <= q.created_at + $2 * interval '1 millisecond'
                GROUP BY q.id) c
        WHERE r.id = c.id`,
      [lateOrders, skewMs],
    );
    const events = await this.progress.update(manager, lateOrders, now);
    return { results, events, lateCancellations: rows.length };
  }
}
