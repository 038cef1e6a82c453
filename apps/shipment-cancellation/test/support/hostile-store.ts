// What a hostile-input run reads from the service's database: projected shipments, inbox rows and the
// dead-letter store.
import type { DataSource } from 'typeorm';
import type { StoredDeadLetter } from './hostile-checks';

/** True once every order has a projected shipment. */
export async function projected(db: DataSource, orders: string[]): Promise<boolean> {
  const [row]: Array<{ n: number }> = await db.query(
    `SELECT count(DISTINCT order_id)::int AS n FROM shipment WHERE order_id = ANY($1::text[])`,
    [orders],
  );
  return row?.n === orders.length;
}

/** The inbox result of each message id found. */
export async function inboxResults(db: DataSource, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows: Array<{ id: string; result: string }> = await db.query(
    `SELECT message_id AS id, result FROM inbox_message WHERE message_id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.result]));
}

export interface InboxRow {
  position: string;
  result: string;
}

/** Every inbox row of the topics, by Kafka position. */
export async function inboxRows(db: DataSource, topics: string[]): Promise<InboxRow[]> {
  const rows: Array<{ topic: string; partition: number; offset: string; result: string }> = await db.query(
    `SELECT topic, partition, "offset"::text AS offset, result FROM inbox_message WHERE topic = ANY($1::text[])`,
    [topics],
  );
  return rows.map((r) => ({ position: `${r.topic}/${r.partition}/${r.offset}`, result: r.result }));
}

/** The group's dead letters as stored, or why the store could not be read. */
export async function deadLetterRows(db: DataSource, group: string): Promise<StoredDeadLetter[] | string> {
  try {
    const rows: Array<{
      id: string;
      topic: string;
      partition: number;
      offset: string;
      payload: Buffer;
      payload_null: boolean;
      headers: StoredDeadLetter['headers'];
    }> = await db.query(
      `SELECT id, topic, partition, "offset"::text AS offset, payload, payload_null, headers
         FROM dead_letter WHERE consumer_group = $1`,
      [group],
    );
    return rows.map((r) => ({
      id: r.id,
      position: `${r.topic}/${r.partition}/${r.offset}`,
      payload: r.payload,
      payloadNull: r.payload_null,
      headers: r.headers,
    }));
  } catch (error) {
    return `the dead_letter table could not be read: ${(error as Error).message}`;
  }
}

/** Output events written but never published, and the oldest of them. */
export async function outboxBacklog(
  db: DataSource,
): Promise<{ unpublished: number; oldest: { id: string; type: string; key: string; bytes: number } | null }> {
  const [count]: Array<{ n: number }> = await db.query(
    `SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`,
  );
  const [oldest]: Array<{ id: string; type: string; key: string; bytes: number }> = await db.query(
    `SELECT id::text AS id, event_type AS type, message_key AS key, octet_length(payload::text) AS bytes
       FROM outbox_event WHERE published_at IS NULL ORDER BY id LIMIT 1`,
  );
  return { unpublished: count?.n ?? 0, oldest: oldest ?? null };
}
