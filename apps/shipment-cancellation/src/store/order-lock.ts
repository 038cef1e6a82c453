import type { EntityManager } from 'typeorm';
import { preparedQuery } from './query-rows';
import { ORDER_LOCK_SEED } from './advisory-locks';

/**
 * SQL that takes, for the rest of the transaction, the locks of the order ids that `source` yields (a FROM
 * item with one text column `o`), and yields one row (`locked`, how many locks). Every writer of an order's
 * cancellation state (the event consumers, the carrier worker, the admin API) takes the order's lock, so they
 * never race. All of them take their locks in this one order, by lock key, so two transactions locking several
 * orders cannot deadlock. It can be a CTE of a larger statement, which then pays no round trip for its locks.
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
