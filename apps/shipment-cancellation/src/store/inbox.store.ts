// The inbox's statements: recording the messages of a batch (the duplicate check, and the lock of each new
// message's order), marking those that repeated an order, and recording one dead-lettered message.
import type { EntityManager } from 'typeorm';
import { lockOrdersSql } from './order-lock';
import { preparedQuery } from './query-rows';
import { INBOX_MESSAGE, type InboxMessageColumns } from './tables/inbox.tables';

/** One inbound message as the inbox records it (the batch's receipt time is given once). */
export type InboxEntry = Omit<InboxMessageColumns, 'receivedAt'>;

const ENTRY_KEYS = [
  'messageId',
  'eventType',
  'topic',
  'partition',
  'offset',
  'orderId',
  'result',
] as const satisfies readonly (keyof InboxEntry)[];

/**
 * Inserts the messages not yet recorded and returns their ids, then locks the orders of those it inserted.
 * Rows go in sorted by id, so two transactions holding some of the same ids (a redelivery racing its original)
 * wait for one another instead of deadlocking; the one that waited then finds those ids recorded. Every row is
 * inserted before the first order lock is taken (the locks need the whole sorted set of orders).
 */
export const RECORD_MESSAGES = `WITH recorded AS (
    INSERT INTO inbox_message (${INBOX_MESSAGE.names([...ENTRY_KEYS, 'receivedAt'])})
    SELECT *, $${ENTRY_KEYS.length + 1}::timestamptz FROM ${INBOX_MESSAGE.unnest(ENTRY_KEYS, 1)}
     ORDER BY 1
    ON CONFLICT (message_id) DO NOTHING
    RETURNING message_id, order_id
  ), locks AS (${lockOrdersSql('(SELECT order_id FROM recorded WHERE order_id IS NOT NULL) AS t(o)')})
  SELECT message_id AS id FROM recorded, locks`;

/** Records the entries (see RECORD_MESSAGES) and returns the ids of those that were new. */
export async function recordMessages(
  manager: EntityManager,
  entries: readonly InboxEntry[],
  receivedAt: Date,
): Promise<string[]> {
  const rows = await preparedQuery<{ id: string }>(manager, RECORD_MESSAGES, [
    ...INBOX_MESSAGE.arrays(entries as readonly InboxMessageColumns[], ENTRY_KEYS),
    receivedAt,
  ]);
  return rows.map((row) => row.id);
}

/** Marks recorded messages as having repeated an order that was already cancelled. */
export async function markDuplicateOrders(manager: EntityManager, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await preparedQuery(
    manager,
    `UPDATE inbox_message SET result = 'duplicate_order' WHERE message_id = ANY($1::text[])`,
    [messageIds],
  );
}

/** Records one message as dead-lettered; false when it was recorded already (a redelivery). */
export async function recordDeadLettered(
  manager: EntityManager,
  entry: Omit<InboxEntry, 'result'>,
  receivedAt: Date,
): Promise<boolean> {
  const keys = ENTRY_KEYS.filter((key) => key !== 'result');
  const rows = await preparedQuery<{ id: string }>(
    manager,
    `INSERT INTO inbox_message (${INBOX_MESSAGE.names(ENTRY_KEYS)}, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'dead_lettered', $7)
     ON CONFLICT (message_id) DO NOTHING RETURNING message_id AS id`,
    [...keys.map((key) => entry[key]), receivedAt],
  );
  return rows.length > 0;
}
