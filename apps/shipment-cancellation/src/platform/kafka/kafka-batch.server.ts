// A Nest transport over kafkajs that hands handlers whole batches and marks an offset only once its batch is
// durable; a failing batch is retried in place, a refused message dead-lettered (docs/architecture.md).
import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { InboundMessage } from './inbound-message';
import { BatchCoalescer } from './batch-coalescer';
import { type BatchHandler, invokeBatchHandler, retryInPlace } from './batch-handler';
import { applyIsolating } from './input-isolation';
import type { KafkaBatchServerOptions } from './kafka-batch.options';
import { OffsetCommitter } from './offset-committer';
import { PartitionLagMeter } from './partition-lag-meter';
import { type LaneJob, PartitionLanes } from './partition-lanes';
import { type PartitionRef, PartitionWatch } from './partition-watch';

export type { BatchContext } from './batch-handler';
export type { KafkaBatchServerOptions } from './kafka-batch.options';

/** A topic's handler and the coalescer that groups its partitions' batches into calls of it. */
interface Route {
  handler: BatchHandler;
  coalescer: BatchCoalescer;
}

export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('KafkaBatchServer');
  private consumer: Consumer | null = null;
  private readonly routes = new Map<string, Route>();
  private stopping = false;
  private readonly watch: PartitionWatch;
  private readonly lagMeter: PartitionLagMeter;
  private readonly committer: OffsetCommitter;
  private readonly lanes = new PartitionLanes((key, error) =>
    this.logger.warn(`stopped handling ${key} until the next rebalance: ${(error as Error).message}`),
  );
  connected = false;

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
    this.watch = new PartitionWatch(options.stallWarnAfterMs);
    this.lagMeter = new PartitionLagMeter(
      this.watch,
      {
        groupId: options.groupId,
        intervalMs: options.watchIntervalMs,
        onPartitionState: options.onPartitionState,
      },
      this.logger,
    );
    this.committer = new OffsetCommitter(
      (offsets) => this.consumer?.commitOffsets(offsets) ?? Promise.resolve(),
      options.commitIntervalMs,
      (event) =>
        event.kind === 'failed'
          ? this.logger.warn(`committing offsets failed, will retry: ${event.error.message}`)
          : this.logger.log('committing offsets works again'),
    );
  }

  on(): never {
    throw new Error('KafkaBatchServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.stopping = true;
    await this.lagMeter.stop();
    // Let the queued batches finish (none start now), commit what is handled, then stop() and disconnect(),
    // which leaves the group. What was fetched but not handled comes again after a restart.
    await this.lanes.settled();
    await this.committer.close();
    await this.consumer?.stop();
    await this.consumer?.disconnect();
    this.consumer = null;
    this.connected = false;
  }

  private async start(): Promise<void> {
    const { kafka, groupId, subscriptions } = this.options;
    for (const pattern of Object.values(subscriptions)) {
      if (!this.getHandlerByPattern(pattern))
        throw new Error(`no @EventPattern('${pattern}') handler is registered`);
    }
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 1024 * 1024,
      minBytes: this.options.fetchMinBytes,
      maxWaitTimeInMs: this.options.fetchMaxWaitMs,
    });
    this.consumer.on(this.consumer.events.CONNECT, () => (this.connected = true));
    this.consumer.on(this.consumer.events.DISCONNECT, () => (this.connected = false));
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.lanes.nextGeneration();
      this.committer.retain(
        (topic, partition) => payload.memberAssignment[topic]?.includes(partition) ?? false,
      );
      const owned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      for (const revoked of this.watch.assign(owned)) this.options.onPartitionRevoked?.(revoked);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.connected = false;
      this.logger.error(`consumer crashed: ${payload.error.message} (restart: ${payload.restart})`);
    });
    await this.consumer.connect();
    this.connected = true;
    await this.consumer.subscribe({ topics: Object.keys(subscriptions), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    await this.lagMeter.start(kafka);
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const route = this.routeFor(batch.topic);
    if (!route || this.stopping) return;
    const partition = { topic: batch.topic, partition: batch.partition };
    const jobs: LaneJob[] = [];
    for (let start = 0; start < batch.messages.length; start += this.options.maxBatch) {
      const chunk = batch.messages.slice(start, start + this.options.maxBatch);
      const last = chunk[chunk.length - 1];
      if (!last) continue;
      const messages: InboundMessage[] = chunk.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key,
        value: m.value,
        headers: (m.headers ?? {}) as InboundMessage['headers'],
        timestamp: m.timestamp,
      }));
      jobs.push(async () => {
        if (this.stopping || !isRunning() || isStale()) return false;
        const handled = await this.options.admit?.(messages.length);
        try {
          if (this.stopping || !isRunning() || isStale()) return false;
          await this.untilHandled(partition, () => this.deliver(route, messages), heartbeat, isRunning);
        } finally {
          handled?.();
        }
        this.watch.progressed(partition);
        // Durable in Postgres, so the committed offset may move past it now.
        this.committer.mark({
          topic: batch.topic,
          partition: batch.partition,
          offset: (BigInt(last.offset) + 1n).toString(),
        });
        return true;
      });
      // Only the fetch position moves on here; what is committed follows the transactions (above).
      resolveOffset(last.offset);
    }
    await this.lanes.enqueue(`${batch.topic}|${batch.partition}`, jobs);
    await heartbeat();
  }

  private routeFor(topic: string): Route | undefined {
    const existing = this.routes.get(topic);
    if (existing) return existing;
    const pattern = this.options.subscriptions[topic];
    const handler = pattern ? this.getHandlerByPattern(pattern) : undefined;
    if (!handler) return undefined;
    const coalescer = new BatchCoalescer(
      (messages) => invokeBatchHandler(handler, messages),
      this.options.maxBatch * 2,
      this.options.handlerConcurrency,
    );
    const route = { handler, coalescer };
    this.routes.set(topic, route);
    return route;
  }

  // One partition's batch; a message whose input is refused is dead-lettered instead of failing it.
  private deliver(route: Route, messages: InboundMessage[]) {
    return applyIsolating(messages, {
      first: (batch) => route.coalescer.submit(batch),
      again: (part) => invokeBatchHandler(route.handler, part),
      isRefusedInput: this.options.isRefusedInput,
      deadLetter: this.options.deadLetter,
    });
  }

  // Retries a failing handler in place: the database may be restarting. Heartbeats keep the membership.
  private async untilHandled(
    partition: PartitionRef,
    run: () => Promise<void>,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    return retryInPlace(
      run,
      heartbeat,
      () => this.stopping || !isRunning(),
      (error, attempt, delay) => {
        this.watch.failed(partition, error.message);
        this.logger.error(
          `batch handler failed (attempt ${attempt}), retrying in ${delay} ms: ${error.message}`,
        );
      },
    );
  }
}
