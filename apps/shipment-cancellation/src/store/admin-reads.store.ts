// The admin API's reads of shipments, cancellation requests, cancellations and carrier attempts, as entities.
// Not the hot path: repositories and the query builder read better here than tuned SQL. No locks, no writes.
import { type EntityManager, In } from 'typeorm';
import {
  CancellationRequestEntity,
  CarrierAttemptEntity,
  ShipmentCancellationEntity,
} from './entities/cancellation.entities';
import { ShipmentEntity } from './entities/shipment.entity';

/** A cancellation with the request it belongs to (trigger, actor, reason). */
export type CancellationWithRequest = ShipmentCancellationEntity & { request: CancellationRequestEntity };

/** What a preview needs of an order's cancellations. */
export type CancellationState = Pick<ShipmentCancellationEntity, 'id' | 'shipmentId' | 'state' | 'requestId'>;

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
    after: string | null,
    limit: number,
  ): Promise<CancellationWithRequest[]> {
    const query = this.cancellationsWithRequest().where('sc.state = :state', { state }).limit(limit);
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

  /** Every carrier attempt of these cancellations, in the order they were made. */
  attemptsOf(cancellationIds: string[]): Promise<CarrierAttemptEntity[]> {
    return this.manager.find(CarrierAttemptEntity, {
      where: { shipmentCancellationId: In(cancellationIds) },
      order: { id: 'ASC' },
    });
  }

  private cancellationsWithRequest() {
    return this.manager
      .createQueryBuilder(ShipmentCancellationEntity, 'sc')
      .innerJoinAndSelect('sc.request', 'r')
      .orderBy('sc.createdAt')
      .addOrderBy('sc.id');
  }
}

// The inner join guarantees the request; this only tells the type system.
function withRequest(row: ShipmentCancellationEntity): CancellationWithRequest {
  if (!row.request) throw new Error(`cancellation ${row.id} was read without its request`);
  return row as CancellationWithRequest;
}
