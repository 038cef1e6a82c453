// Sends dead letters back to the partition they came from, byte for byte. A producer of its own, apart from the
// outbox relay's: a redrive is an operator's request that must get an answer, so it gives up after a few
// retries instead of waiting for the broker forever; it answers only once every in-sync replica has the message.
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type Producer } from 'kafkajs';
import { KafkaClients } from '../../platform/kafka/kafka-clients';

/** One message to send, with the original key, value and headers. */
export interface RedriveRecord {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}

/** Where a sent message landed. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** The broker did not take the messages (or did not say so in time); some may have landed all the same. */
export class RedrivePublishError extends Error {
  constructor(cause: unknown) {
    super(`publishing dead letters failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'RedrivePublishError';
  }
}

@Injectable()
export class DeadLetterPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('DeadLetterPublisher');
  private producer: Promise<Producer> | null = null;

  constructor(private readonly kafka: KafkaClients) {}

  /** Sends the records in one request, each to its own partition, in order; returns where each landed. */
  async publish(records: readonly RedriveRecord[]): Promise<KafkaPosition[]> {
    if (records.length === 0) return [];
    const byTopic = new Map<string, RedriveRecord[]>();
    for (const record of records) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
    try {
      const producer = await this.connected();
      const sent = await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((r) => ({
            partition: r.partition,
            key: r.key,
            value: r.value,
            headers: r.headers,
          })),
        })),
      });
      // A partition's messages of one request form one batch, with consecutive offsets from its base offset.
      const next = new Map<string, bigint>();
      for (const meta of sent) {
        next.set(`${meta.topicName}\n${meta.partition}`, BigInt(meta.baseOffset ?? meta.offset ?? '-1'));
      }
      return records.map((r) => {
        const key = `${r.topic}\n${r.partition}`;
        const offset = next.get(key) ?? -1n;
        next.set(key, offset + 1n);
        return { topic: r.topic, partition: r.partition, offset: offset.toString() };
      });
    } catch (error) {
      this.logger.error(`redrive of ${records.length} message(s) failed: ${(error as Error).message}`);
      throw new RedrivePublishError(error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (producer) await (await producer.catch(() => null))?.disconnect();
  }

  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.kafka.producer({
        allowAutoTopicCreation: false,
        // Every record names its partition; the partitioner is set only so kafkajs does not warn.
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
      });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      // Connect again on the next redrive.
      this.producer = null;
      throw error;
    });
    return this.producer;
  }
}
