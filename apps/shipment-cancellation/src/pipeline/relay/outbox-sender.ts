// Sends outbox rows to Kafka with an idempotent producer: the oldest rows that fit in one send, by topic.
import { Partitioners, type Producer } from 'kafkajs';
import type { KafkaClients } from '../../platform/kafka/kafka-clients';
import { SpanKind, endSpan, startBatchSpan, tracingEnabled } from '../../platform/tracing/tracing';
import type { OutboxRow } from '../../store/relay.store';

const CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/**
 * Most bytes one send carries (payloads, keys and headers, with room for Kafka's framing). Kafka refuses a record
 * batch over its 1 MiB message limit, and one send puts a partition's records in one batch: rows past this wait
 * for the next send instead. A row alone always fits (a dead-letter record stays under 700 KiB).
 */
export const RELAY_SEND_BYTES = 900 * 1024;
const RECORD_FRAMING_BYTES = 96;

/** The oldest rows whose bytes fit in one send; at least one. */
export function fitToSend<R extends Pick<OutboxRow, 'messageKey' | 'payload' | 'traceParent'>>(
  rows: R[],
  limit = RELAY_SEND_BYTES,
): R[] {
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as R;
    bytes +=
      Buffer.byteLength(row.payload) +
      (row.messageKey?.length ?? 0) +
      (row.traceParent?.length ?? 0) +
      RECORD_FRAMING_BYTES;
    if (bytes > limit && i > 0) return rows.slice(0, i);
  }
  return rows;
}

/** Holds the relay's producer and sends batches of outbox rows with it, each in one send. */
export class OutboxSender {
  private producer: Producer | null = null;

  constructor(private readonly kafka: KafkaClients) {}

  get connected(): boolean {
    return this.producer !== null;
  }

  /** Connects a producer unless one is connected. */
  async connect(): Promise<void> {
    this.producer ??= await this.connectProducer();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = null;
  }

  /** Sends the rows in one send (see `fitToSend`), waiting for every replica; throws if the send fails. */
  async send(rows: OutboxRow[]): Promise<void> {
    await this.connect();
    const producer = this.producer as Producer;
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    // One span per batch, linked to the trace of each event it sends.
    const span = tracingEnabled()
      ? startBatchSpan(
          'publish outbox',
          SpanKind.PRODUCER,
          rows.map((r) => r.traceParent),
          { 'messaging.system': 'kafka', 'messaging.batch.message_count': rows.length },
        )
      : undefined;
    // One time for the whole send: kafkajs would stamp each partition's batch as it encodes it, so rows of one
    // send could carry times out of their outbox order across topics.
    const timestamp = String(Date.now());
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, topicRows]) => ({
          topic,
          messages: topicRows.map((row) => ({
            timestamp,
            key: row.messageKey,
            value: row.payload,
            headers:
              row.traceParent === null
                ? { 'content-type': CONTENT_TYPE }
                : { 'content-type': CONTENT_TYPE, traceparent: row.traceParent },
          })),
        })),
      });
    } catch (error) {
      endSpan(span, error);
      await this.dropProducer();
      throw error;
    }
    endSpan(span);
  }

  private async connectProducer(): Promise<Producer> {
    const producer = this.kafka.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 key hashing: an order's events land where any Kafka client would put them.
      createPartitioner: Partitioners.DefaultPartitioner,
      // An idempotent producer must not give up on a send; the relay loop decides what happens meanwhile.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    await producer.connect();
    return producer;
  }

  // After a failed send the producer's sequence numbers may no longer match the broker's: drop it, and the
  // next batch starts a new one (unmarked rows go again, same ids).
  private async dropProducer(): Promise<void> {
    const old = this.producer;
    this.producer = null;
    await old?.disconnect().catch(() => undefined);
  }
}
