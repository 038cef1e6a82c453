// The shipment projection's statements: inserting purchased shipments, finding the order-level cancels a late
// shipment joins, and recounting those cancels' shipments once it has.
import type { EntityManager } from 'typeorm';
import type { ReshipRule } from '../domain/cancellation';
import {
  CANCELLATION_REQUEST,
  type CancellationRequestColumns,
  SHIPMENT,
  type ShipmentColumns,
} from './tables/cancellation.tables';

const NEW_SHIPMENT_KEYS = [
  'id',
  'orderId',
  'carrier',
  'carrierShipmentId',
  'businessId',
  'marketplaceId',
  'sellerAccount',
  'trackingId',
  'carrierId',
  'labelCostAmount',
  'labelCostCurrency',
  'purchasedAt',
  'cancelWindowEndsAt',
  'sourceEventId',
] as const satisfies readonly (keyof ShipmentColumns)[];

/** A purchased shipment as its event brings it; times stay the event's ISO text (Postgres keeps microseconds). */
export interface NewShipment extends Omit<
  Pick<ShipmentColumns, (typeof NEW_SHIPMENT_KEYS)[number]>,
  'purchasedAt' | 'cancelWindowEndsAt'
> {
  purchasedAt: string;
  cancelWindowEndsAt: string | null;
}

const NOW = NEW_SHIPMENT_KEYS.length + 1;
const INSERT_SHIPMENTS = `INSERT INTO shipment (${SHIPMENT.names([...NEW_SHIPMENT_KEYS, 'createdAt', 'updatedAt'])})
       SELECT *, $${NOW}::timestamptz, $${NOW}::timestamptz FROM ${SHIPMENT.unnest(NEW_SHIPMENT_KEYS, 1)}
       ON CONFLICT DO NOTHING
       RETURNING id`;

/** Inserts the shipments not yet known; returns the ids of those inserted. */
export async function insertShipments(
  manager: EntityManager,
  shipments: readonly NewShipment[],
  now: Date,
): Promise<Set<string>> {
  const inserted: Array<{ id: string }> = await manager.query(INSERT_SHIPMENTS, [
    // Only the listed fields are read (Table.arrays is typed for whole rows).
    ...SHIPMENT.arrays(shipments as unknown as ShipmentColumns[], NEW_SHIPMENT_KEYS),
    now,
  ]);
  return new Set(inserted.map((row) => row.id));
}

/** An order-level cancel, with the shipments bought up to its cutoff (its creation plus the clock skew allowed). */
export interface OrderCancel {
  requestId: string;
  orderId: string;
  cutoff: Date;
  /** Shipments of the order purchased up to the cutoff, as the reship rule counts them. */
  created: number;
}

/** The order-level cancels of the orders, each with its cutoff and its count of shipments bought before it. */
export function findOrderCancels(
  manager: EntityManager,
  orderIds: string[],
  skewMs: number,
): Promise<OrderCancel[]> {
  return manager.query(
    `SELECT r.id AS "requestId", r.order_id AS "orderId", r.created_at + $2 * interval '1 millisecond' AS cutoff,
            (SELECT count(*)::int FROM shipment s
              WHERE s.order_id = r.order_id AND s.purchased_at <= r.created_at + $2 * interval '1 millisecond') AS created
       FROM cancellation_request r
      WHERE r.scope = 'order' AND r.order_id = ANY($1)`,
    [orderIds, skewMs],
  );
}

const RECOUNT_KEYS = ['id', 'shipmentCount', 'rule'] as const;

/** A cancel's new shipment count and the reship rule that count gives. */
export interface RecountedCancel extends Pick<CancellationRequestColumns, (typeof RECOUNT_KEYS)[number]> {
  rule: ReshipRule;
}

/** Sets the cancels' shipment counts and rules, and opens them again (a late shipment joined each). */
export async function reopenRecountedCancels(
  manager: EntityManager,
  cancels: readonly RecountedCancel[],
): Promise<void> {
  if (cancels.length === 0) return;
  await manager.query(
    `UPDATE cancellation_request r
        SET shipment_count = t.shipment_count, rule = t.rule, status = 'in_progress', completed_at = NULL
       FROM ${CANCELLATION_REQUEST.unnest(RECOUNT_KEYS, 1)}
      WHERE r.id = t.id`,
    CANCELLATION_REQUEST.arrays(cancels, RECOUNT_KEYS),
  );
}

/** How many shipments we know of the order. */
export async function countShipmentsOfOrder(manager: EntityManager, orderId: string): Promise<number> {
  const [row]: Array<{ n: number }> = await manager.query(
    `SELECT count(*)::int AS n FROM shipment WHERE order_id = $1`,
    [orderId],
  );
  return row?.n ?? 0;
}
