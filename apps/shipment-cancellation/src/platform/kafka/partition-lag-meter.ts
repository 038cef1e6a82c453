// Measures each owned partition's lag (committed offset to end) and stall once per interval, and reports it.
import type { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { PartitionState, PartitionWatch } from './partition-watch';

export interface PartitionLagMeterOptions {
  groupId: string;
  intervalMs: number;
  onPartitionState?: (state: PartitionState) => void;
}

export class PartitionLagMeter {
  private admin: Admin | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly watch: PartitionWatch,
    private readonly options: PartitionLagMeterOptions,
    private readonly logger: Logger,
  ) {}

  async start(kafka: Kafka): Promise<void> {
    this.admin = kafka.admin();
    await this.admin.connect();
    this.timer = setInterval(() => void this.measure(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }

  // Reads the committed offsets and partition ends from the broker and reports each owned partition.
  private async measure(): Promise<void> {
    const admin = this.admin;
    const owned = this.watch.owned();
    if (!admin || owned.length === 0 || this.stopped) return;
    try {
      const topics = [...new Set(owned.map((p) => p.topic))];
      const committed = new Map<string, bigint>();
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: this.options.groupId, topics }))
        for (const { partition, offset } of partitions)
          committed.set(`${topic}|${partition}`, BigInt(offset));
      for (const topic of topics) {
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          const at = committed.get(`${topic}|${partition}`) ?? -1n;
          const state = this.watch.observe({ topic, partition }, at < 0n ? BigInt(low) : at, BigInt(high));
          if (!state) continue;
          this.options.onPartitionState?.(state);
          if (this.watch.shouldWarn(state))
            this.logger.warn(
              `${topic}/${partition} has not moved for ${state.stalledSeconds} s with ${state.lag} messages ` +
                `waiting: ${state.lastError ?? 'no handler error reported'}`,
            );
        }
      }
    } catch (error) {
      this.logger.debug(`measuring partition lag failed: ${(error as Error).message}`);
    }
  }
}
