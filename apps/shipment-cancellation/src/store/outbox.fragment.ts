// The one INSERT into outbox_event. OutboxWriter.append runs it as a statement of its own; the applier's
// statement runs it as a CTE that keeps only the events of the cancellations it applied.
import type { CloudEvent } from '@oms/events';
import { Table, col } from './table';
import { OUTBOX_EVENT } from './tables/outbox.tables';

/** An output event built and validated, with where it goes: what one outbox row holds. */
export interface PreparedEvent {
  topic: string;
  key: string;
  event: CloudEvent<unknown>;
}

/** A prepared event with the id of what it reports on (a cancellation), for an insert `onlyFor` some ids. */
export interface OutboxEntry extends PreparedEvent {
  ownerId?: string;
}

/** Keeps only the events whose owner's id is in `onlyFor`: a relation of the statement with an `id` column. */
export interface OutboxInsertOptions {
  onlyFor?: string;
}

/** An event as bound for the insert, with the id of what it reports on. */
interface OwnedRow {
  ownerId: string;
  eventId: string;
  topic: string;
  messageKey: string | null;
  eventType: string;
}

// The fields bound as one array each. The payloads follow as one JSON array that jsonb takes apart (one string
// to send, rather than an array literal of escaped documents).
const { eventId, topic, messageKey, eventType } = OUTBOX_EVENT.columns;
const BOUND = new Table<OwnedRow>('outbox_event', {
  ownerId: col('owner_id', 'uuid'),
  eventId,
  topic,
  messageKey,
  eventType,
});
const COLUMNS = ['eventId', 'topic', 'messageKey', 'eventType'] as const;
const OWNED = ['ownerId', ...COLUMNS] as const;

/** How many parameters insertOutboxRows binds, from its first on. */
export function outboxParamCount(options: OutboxInsertOptions = {}): number {
  return (options.onlyFor === undefined ? COLUMNS : OWNED).length + 1;
}

/**
 * `INSERT INTO outbox_event …` of the events bound from `$first` on (see outboxRowParams), in their order.
 * With `onlyFor`, each event is bound with its owner's id and inserted only if its owner is in that relation.
 */
export function insertOutboxRows(first: number, options: OutboxInsertOptions = {}): string {
  const { onlyFor } = options;
  const keys = onlyFor === undefined ? COLUMNS : OWNED;
  const arrays = keys.map((key, i) => `$${first + i}::${BOUND.columns[key].type}[]`).join(', ');
  const ownerJoin =
    onlyFor === undefined ? '' : `\n     JOIN ${onlyFor} a ON a.id = e.${BOUND.names(['ownerId'])}`;
  return `INSERT INTO outbox_event (${OUTBOX_EVENT.names([...COLUMNS, 'payload'])})
   SELECT ${COLUMNS.map((key) => `e.${BOUND.names([key])}`).join(', ')}, p.payload
     FROM unnest(${arrays}) WITH ORDINALITY AS e(${BOUND.names(keys)}, n)
     JOIN jsonb_array_elements($${first + keys.length}::jsonb) WITH ORDINALITY AS p(payload, n) USING (n)${ownerJoin}
    ORDER BY e.n`;
}

/**
 * The parameters of insertOutboxRows, given the same options. With `onlyFor`, every event carries `ownerId`,
 * the id of what it reports on.
 */
export function outboxRowParams(
  events: readonly OutboxEntry[],
  options: OutboxInsertOptions = {},
): unknown[] {
  const owned = options.onlyFor !== undefined;
  const rows = events.map((p): OwnedRow => {
    if (owned && p.ownerId === undefined) throw new Error(`outbox event ${p.event.id} has no owner`);
    return {
      ownerId: p.ownerId ?? '',
      eventId: p.event.id,
      topic: p.topic,
      messageKey: p.key,
      eventType: p.event.type,
    };
  });
  return [...BOUND.arrays(rows, owned ? OWNED : COLUMNS), JSON.stringify(events.map((p) => p.event))];
}
