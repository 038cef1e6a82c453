// Publishes inputs and collects outputs on the real broker, as the platform and billing would.
import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { type AnyEvent, type DataFor, EventTypes, type EventType, createEvent } from '@oms/events';
import type { AppConfig } from '../../src/platform/config/config';
import { waitFor } from './ports';

export interface Collected {
  topic: string;
  key: string | null;
  event: AnyEvent;
}

export class TestKafka {
  readonly kafka: Kafka;
  private producer: Producer | null = null;
  private consumer: Consumer | null = null;
  readonly received: Collected[] = [];
  readonly raw: Array<{ topic: string; key: string | null; value: string }> = [];

  constructor(private readonly config: AppConfig) {
    this.kafka = new Kafka({
      clientId: 'oms-test',
      brokers: config.kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
  }

  /** Starts collecting every output topic from the beginning. */
  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    const t = this.config.topics;
    const admin = this.kafka.admin();
    await admin.connect();
    const outputs = [t.shipmentCancelled, t.manualReshipRequired, t.shipmentCancellationFailed, t.deadLetter];
    await admin.createTopics({
      waitForLeaders: true,
      topics: [...outputs, t.orderCancelled, t.shipmentPurchased].map((topic) => ({
        topic,
        numPartitions: this.config.kafka.partitions,
      })),
    });
    await admin.disconnect();
    this.consumer = this.kafka.consumer({ groupId: `collector-${randomUUID()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: outputs, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = message.value?.toString('utf8') ?? '';
        const key = message.key?.toString('utf8') ?? null;
        this.raw.push({ topic, key, value });
        this.received.push({ topic, key, event: JSON.parse(value) as AnyEvent });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  async publish<K extends EventType>(
    type: K,
    data: DataFor<K>,
    options: { id?: string; topic?: string } = {},
  ): Promise<AnyEvent> {
    const topic =
      options.topic ??
      (type === EventTypes.orderCancelled
        ? this.config.topics.orderCancelled
        : this.config.topics.shipmentPurchased);
    const event = createEvent(type, data, {
      source: '/oms/test-platform',
      ...(options.id ? { id: options.id } : {}),
    });
    const key = (data as { orderId: string }).orderId;
    await this.producer?.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(event) }] });
    return event as AnyEvent;
  }

  /** Sends bytes as they are, for poison-message tests. */
  async publishRaw(topic: string, key: string | null, value: Buffer | string): Promise<void> {
    await this.producer?.send({ topic, acks: -1, messages: [{ key, value }] });
  }

  forOrder(orderId: string): Collected[] {
    return this.received.filter((c) => c.key === orderId);
  }

  /** Waits until the order's outputs satisfy `done`, then returns them. */
  async waitForOrder(
    orderId: string,
    done: (outputs: Collected[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<Collected[]> {
    return waitFor(
      `outputs for order ${orderId}`,
      () => {
        const outputs = this.forOrder(orderId);
        return done(outputs) ? outputs : undefined;
      },
      timeoutMs,
    );
  }
}
