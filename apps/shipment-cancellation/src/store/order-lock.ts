import type { EntityManager } from 'typeorm';
import { preparedQuery } from './query-rows';
import { ORDER_LOCK_SEED } from './advisory-locks';

/**
 * Takes the transaction-scoped locks of the order ids `source` yields (a FROM item with a text column `o`), sorted
 * by key so that writers locking several orders never deadlock; usable as a CTE, costing no round trip.
 */
export function lockOrdersSql(source: string): string {
  return `SELECT count(pg_advisory_xact_lock(k))::int AS locked
            FROM (SELECT DISTINCT hashtextextended(o, ${ORDER_LOCK_SEED}) AS k FROM ${source} ORDER BY k) AS keys`;
}

const LOCK_ORDERS = lockOrdersSql('unnest($1::text[]) AS t(o)');

/** Takes the orders' locks (see lockOrdersSql) in a statement of their own. */
export async function lockOrders(manager: EntityManager, orderIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return;
  await preparedQuery(manager, LOCK_ORDERS, [ids]);
}
