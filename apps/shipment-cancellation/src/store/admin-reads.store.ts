// The admin API's reads of shipments, cancellation requests, cancellations and carrier attempts, as entities.
// Not the hot path: repositories and the query builder read better here than tuned SQL. No locks, no writes.
import { type EntityManager, In, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import {
  CancellationRequestEntity,
  CarrierAttemptEntity,
  ShipmentCancellationEntity,
} from './entities/cancellation.entities';
import { ShipmentEntity } from './entities/shipment.entity';
import { preparedQuery } from './query-rows';

/** A cancellation with the request it belongs to (trigger, actor, reason). */
export type CancellationWithRequest = ShipmentCancellationEntity & { request: CancellationRequestEntity };

/** Which cancellations of a state a list shows; every field given narrows. */
export interface CancellationFilter {
  sellerAccount?: string;
  marketplaceId?: string;
  failureReason?: string;
  requiresManualAction?: boolean;
  updatedBefore?: Date;
}

/** What a preview needs of an order's cancellations. */
export type CancellationState = Pick<ShipmentCancellationEntity, 'id' | 'shipmentId' | 'state' | 'requestId'>;

/** An event in the outbox, as an order's history shows it. */
export interface OrderEventRow {
  eventId: string;
  topic: string;
  eventType: string;
  payload: { data?: Record<string, unknown> };
  createdAt: Date;
  publishedAt: Date | null;
}

/** One admin write as an order's history shows it (the request and result bodies are left out). */
export interface AuditRow {
  occurredAt: Date;
  actor: string;
  role: string;
  action: string;
  reason: string;
  requestId: string;
  targetType: string;
  targetId: string;
  responseStatus: number;
}

// The outbox has no index by order (its inserts are the hot path): start from the event ids the order's rows
// keep, and follow each event's `supersedes` back through the unique index on event_id.
const EVENT_CHAIN = `WITH RECURSIVE chain(event_id) AS (
      SELECT last_final_event_id FROM shipment_cancellation
       WHERE order_id = $1 AND last_final_event_id IS NOT NULL
    UNION
      SELECT manual_reship_event_id FROM cancellation_request
       WHERE order_id = $1 AND manual_reship_event_id IS NOT NULL
    UNION
      SELECT (o.payload->'data'->>'supersedes')::uuid
        FROM chain c JOIN outbox_event o ON o.event_id = c.event_id
       WHERE o.payload->'data'->>'supersedes' IS NOT NULL
    )
  SELECT o.event_id AS "eventId", o.topic, o.event_type AS "eventType", o.payload, o.created_at AS "createdAt",
         o.published_at AS "publishedAt"
    FROM chain c JOIN outbox_event o ON o.event_id = c.event_id
   ORDER BY o.id`;

// audit_log_target_idx serves each branch.
const AUDIT_OF_ORDER = `SELECT occurred_at AS "occurredAt", actor, role, action, reason, request_id AS "requestId",
         target_type AS "targetType", target_id AS "targetId", response_status AS "responseStatus"
    FROM audit_log
   WHERE (target_type = 'order' AND target_id = $1)
      OR (target_type = 'shipment' AND target_id = ANY($2::text[]))
      OR (target_type = 'shipment_cancellation' AND target_id = ANY($3::text[]))
   ORDER BY id`;

/** Reads through one EntityManager: the data source's own, or a transaction's. */
export class AdminReadsStore {
  constructor(private readonly manager: EntityManager) {}

  /** The order's shipments, in the order they were purchased. */
  shipmentsOfOrder(orderId: string): Promise<ShipmentEntity[]> {
    return this.manager.find(ShipmentEntity, {
      where: { orderId },
      order: { purchasedAt: 'ASC', id: 'ASC' },
    });
  }

  /** The order's cancellation requests, oldest first. */
  requestsOfOrder(orderId: string): Promise<CancellationRequestEntity[]> {
    return this.manager.find(CancellationRequestEntity, {
      where: { orderId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** The id of the order's order-level request, if it has one (there is at most one). */
  async orderLevelRequestId(orderId: string): Promise<string | null> {
    const request = await this.manager.findOne(CancellationRequestEntity, {
      select: { id: true },
      where: { orderId, scope: 'order' },
    });
    return request?.id ?? null;
  }

  /** The state of each of the order's cancellations, by shipment. */
  cancellationStatesOfOrder(orderId: string): Promise<CancellationState[]> {
    return this.manager.find(ShipmentCancellationEntity, {
      select: { id: true, shipmentId: true, state: true, requestId: true },
      where: { orderId },
    });
  }

  cancellationExists(id: string): Promise<boolean> {
    return this.manager.exists(ShipmentCancellationEntity, { where: { id } });
  }

  async cancellation(id: string): Promise<CancellationWithRequest | null> {
    const [found] = await this.cancellationsWithRequest().where('sc.id = :id', { id }).getMany();
    return found ? withRequest(found) : null;
  }

  /** The order's cancellations, oldest first. */
  async cancellationsOfOrder(orderId: string): Promise<CancellationWithRequest[]> {
    const found = await this.cancellationsWithRequest().where('sc.orderId = :orderId', { orderId }).getMany();
    return found.map(withRequest);
  }

  /**
   * Up to `limit` cancellations in a state, oldest first, after the cancellation `after` (a cursor): keyset
   * pagination on (created_at, id), served by shipment_cancellation_state_idx.
   */
  async cancellationsInState(
    state: string,
    filter: CancellationFilter,
    after: string | null,
    limit: number,
  ): Promise<CancellationWithRequest[]> {
    const query = narrowed(this.cancellationsWithRequest(), state, filter).limit(limit);
    if (after !== null) {
      query.andWhere(
        (outer) => {
          // One selection, so the row keeps this order (TypeORM lists an entity's columns in its own).
          const cursor = outer
            .subQuery()
            .select('cursor.createdAt, cursor.id')
            .from(ShipmentCancellationEntity, 'cursor')
            .where('cursor.id = :after');
          return `(sc.createdAt, sc.id) > ${cursor.getQuery()}`;
        },
        { after },
      );
    }
    return (await query.getMany()).map(withRequest);
  }

  /** How many cancellations in a state match the filter, counting no further than `cap`. */
  async countInState(state: string, filter: CancellationFilter, cap: number): Promise<number> {
    const inner = narrowed(
      this.manager.createQueryBuilder(ShipmentCancellationEntity, 'sc').select('1'),
      state,
      filter,
    ).limit(cap);
    const [sql, params] = inner.getQueryAndParameters();
    const [row] = await this.manager.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM (${sql}) capped`,
      params,
    );
    return row?.n ?? 0;
  }

  /** Every carrier attempt of these cancellations, in the order they were made. */
  attemptsOf(cancellationIds: string[]): Promise<CarrierAttemptEntity[]> {
    return this.manager.find(CarrierAttemptEntity, {
      where: { shipmentCancellationId: In(cancellationIds) },
      order: { id: 'ASC' },
    });
  }

  /**
   * The order's events still in the outbox, oldest first: its ManualReshipRequired, and each cancellation's
   * last final event with every final event it superseded. Non-final events (a refund still pending) are not
   * among them: no row keeps their ids.
   */
  eventsOfOrder(orderId: string): Promise<OrderEventRow[]> {
    return preparedQuery<OrderEventRow>(this.manager, EVENT_CHAIN, [orderId]);
  }

  /** The audit log's rows about an order, its shipments or its cancellations, oldest first. */
  auditOf(orderId: string, shipmentIds: string[], cancellationIds: string[]): Promise<AuditRow[]> {
    return preparedQuery<AuditRow>(this.manager, AUDIT_OF_ORDER, [orderId, shipmentIds, cancellationIds]);
  }

  private cancellationsWithRequest() {
    return this.manager
      .createQueryBuilder(ShipmentCancellationEntity, 'sc')
      .innerJoinAndSelect('sc.request', 'r')
      .orderBy('sc.createdAt')
      .addOrderBy('sc.id');
  }
}

/** The query limited to cancellations in `state` that match every field of the filter. */
function narrowed<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  state: string,
  filter: CancellationFilter,
): SelectQueryBuilder<T> {
  query.where('sc.state = :state', { state });
  if (filter.sellerAccount !== undefined)
    query.andWhere('sc.sellerAccount = :sellerAccount', { sellerAccount: filter.sellerAccount });
  if (filter.failureReason !== undefined)
    query.andWhere('sc.failureReason = :failureReason', { failureReason: filter.failureReason });
  if (filter.requiresManualAction !== undefined)
    query.andWhere('sc.requiresManualAction = :manual', { manual: filter.requiresManualAction });
  if (filter.updatedBefore !== undefined)
    query.andWhere('sc.updatedAt < :updatedBefore', { updatedBefore: filter.updatedBefore });
  if (filter.marketplaceId !== undefined) {
    // The marketplace is the shipment's: one primary-key probe per cancellation the state index yields.
    query.andWhere(
      'EXISTS (SELECT 1 FROM shipment s WHERE s.id = sc.shipment_id AND s.marketplace_id = :marketplaceId)',
      { marketplaceId: filter.marketplaceId },
    );
  }
  return query;
}

// The inner join guarantees the request; this only tells the type system.
function withRequest(row: ShipmentCancellationEntity): CancellationWithRequest {
  if (!row.request) throw new Error(`cancellation ${row.id} was read without its request`);
  return row as CancellationWithRequest;
}
