// Reading Kafka from outside the system under test: a consumer group's lag, and whole topics from the start.
import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { brokers } from './stack';

/** Watches consumer groups' committed offsets against the ends of their topics. */
export class GroupWatcher {
  private readonly admin: Admin = new Kafka({
    clientId: 'oms-harness-watcher',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();

  constructor(
    private readonly groupId: string,
    private readonly topics: string[],
  ) {}

  async start(): Promise<void> {
    await this.admin.connect();
  }

  /** Messages of the topics not yet committed by the group. */
  async lag(): Promise<number> {
    let total = 0;
    const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: this.topics });
    for (const topic of this.topics) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const done = new Map(
        (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          Number(p.offset),
        ]),
      );
      total += ends.reduce(
        (sum, p) => sum + Math.max(0, Number(p.high) - Math.max(Number(p.low), done.get(p.partition) ?? 0)),
        0,
      );
    }
    return total;
  }

  /**
   * Waits until the group is stable with `members` members (a rebalance after an instance joined or left is
   * over), polling every 250 ms; throws after `timeoutMs`.
   */
  async untilStable(members: number, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let seen = 'unknown';
    while (Date.now() < until) {
      const { groups } = await this.admin.describeGroups([this.groupId]);
      const group = groups[0];
      seen = group ? `${group.state}, ${group.members.length} members` : 'no group';
      if (group?.state === 'Stable' && group.members.length === members) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(
      `consumer group ${this.groupId} not stable with ${members} members after ${timeoutMs} ms (${seen})`,
    );
  }

  async stop(): Promise<void> {
    await this.admin.disconnect();
  }
}

export interface TopicRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  timestamp: number;
}

/** Every record of the topics, from the beginning up to their ends as of now. */
export async function readTopics(topics: string[], timeoutMs = 120_000): Promise<TopicRecord[]> {
  const kafka = new Kafka({ clientId: 'oms-harness-reader', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}/${p.partition}`, BigInt(p.high) - 1n);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `oms-harness-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const id = `${batch.topic}/${batch.partition}`;
          const last = remaining.get(id);
          for (const m of batch.messages) {
            if (last === undefined || BigInt(m.offset) > last) continue;
            records.push({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key?.toString('utf8') ?? null,
              value: m.value ?? Buffer.alloc(0),
              timestamp: Number(m.timestamp),
            });
            if (BigInt(m.offset) === last) remaining.delete(id);
          }
          if (remaining.size === 0) resolve();
        },
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `reading ${topics.join(', ')}: ${remaining.size} partitions unread after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
