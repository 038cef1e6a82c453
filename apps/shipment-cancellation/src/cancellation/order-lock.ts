import type { EntityManager } from 'typeorm';
import { preparedQuery } from '../database/query-rows';

/**
 * Takes the per-order lock for the rest of the transaction. Every writer of an order's cancellation state
 * (the event consumer, the carrier worker, the admin API) takes it, so they never race; locks are taken in
 * sorted order so two transactions locking several orders cannot deadlock.
 */
export async function lockOrders(manager: EntityManager, orderIds: Iterable<string>): Promise<void> {
  const sorted = [...new Set(orderIds)].sort();
  if (sorted.length === 0) return;
  await preparedQuery(
    manager,
    `SELECT pg_advisory_xact_lock(hashtextextended(o, 7411)) FROM unnest($1::text[]) WITH ORDINALITY AS t(o, n) ORDER BY n`,
    [sorted],
  );
}
