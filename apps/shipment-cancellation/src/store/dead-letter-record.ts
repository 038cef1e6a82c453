// Recording dead letters: one INSERT for many, once per Kafka position and consumer group.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { InboundMessage } from '../platform/kafka/inbound-message';
import { safeNullableText, safeText, storedHeaders } from './dead-letter-bytes';

export interface DeadLetterInput {
  consumerGroup: string;
  message: InboundMessage;
  reason: { kind: string; message: string; issues: { path: string; message: string }[] };
  eventType: string | null;
  orderId: string | null;
  at: Date;
}

const ISSUES_LIMIT = 100;

const RECORD = `
  INSERT INTO dead_letter (id, consumer_group, topic, partition, "offset", message_key, payload, payload_null, headers,
                           error_kind, error_message, error_issues, event_type, order_id, dead_lettered_at)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bytea[], $7::bytea[],
                       $8::boolean[], $9::jsonb[], $10::text[], $11::text[], $12::jsonb[], $13::text[], $14::text[],
                       $15::timestamptz[])
   ORDER BY 2, 3, 4, 5
  ON CONFLICT (consumer_group, topic, partition, "offset") DO NOTHING
  RETURNING id, consumer_group AS "group", topic, partition, "offset"::text AS "offset"`;

const FIND_RECORDED = `
  SELECT d.id, d.consumer_group AS "group", d.topic, d.partition, d."offset"::text AS "offset"
    FROM dead_letter d
    JOIN unnest($1::text[], $2::text[], $3::int[], $4::bigint[]) AS p(g, t, pa, o)
      ON d.consumer_group = p.g AND d.topic = p.t AND d.partition = p.pa AND d."offset" = p.o`;

/** A dead letter's id and the position it was recorded at, as RECORD and FIND_RECORDED return them. */
interface Recorded {
  id: string;
  group: string;
  topic: string;
  partition: number;
  offset: string;
}

const positionKey = (group: string, topic: string, partition: number, offset: string): string =>
  `${group}\n${topic}\n${partition}\n${offset}`;

/**
 * Records the messages inside the caller's transaction; a position recorded before is left as it is. The ids
 * come back in the order of `inputs` (the existing one for a repeat).
 */
export async function recordDeadLetters(
  manager: EntityManager,
  inputs: readonly DeadLetterInput[],
): Promise<string[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map(recordValues);
  const columns = rows[0]?.map((_, i) => rows.map((row) => row[i])) ?? [];
  const ids = new Map<string, string>();
  const remember = (r: Recorded) => ids.set(positionKey(r.group, r.topic, r.partition, r.offset), r.id);
  (await manager.query<Recorded[]>(RECORD, columns)).forEach(remember);
  const keys = inputs.map((i) =>
    positionKey(i.consumerGroup, i.message.topic, i.message.partition, i.message.offset),
  );
  const missing = inputs.filter((_, i) => !ids.has(keys[i] as string));
  if (missing.length > 0) {
    // Recorded before (a redelivery), or by a transaction that committed while this one waited on it: a new
    // statement sees it.
    const found = await manager.query<Recorded[]>(FIND_RECORDED, [
      missing.map((i) => i.consumerGroup),
      missing.map((i) => i.message.topic),
      missing.map((i) => i.message.partition),
      missing.map((i) => i.message.offset),
    ]);
    found.forEach(remember);
  }
  return keys.map((key) => {
    const id = ids.get(key);
    if (id === undefined)
      throw new Error(`dead letter at ${key.replace(/\n/g, '/')} was neither recorded nor found`);
    return id;
  });
}

/** One row of RECORD's parameters, every text made safe; the bytes go in as they came. */
function recordValues(input: DeadLetterInput): unknown[] {
  const { message, reason } = input;
  const issues = reason.issues.slice(0, ISSUES_LIMIT).map((issue) => ({
    path: safeText(issue.path),
    message: safeText(issue.message),
  }));
  return [
    randomUUID(),
    safeText(input.consumerGroup),
    message.topic,
    message.partition,
    message.offset,
    message.key,
    message.value ?? Buffer.alloc(0),
    message.value === null,
    JSON.stringify(storedHeaders(message.headers)),
    safeText(reason.kind, 200),
    safeText(reason.message),
    JSON.stringify(issues),
    safeNullableText(input.eventType),
    safeNullableText(input.orderId),
    input.at,
  ];
}
