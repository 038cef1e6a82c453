// A Nest microservice transport over kafkajs that keeps our guarantees, which the stock ServerKafka cannot:
// - it hands handlers whole batches (one transaction per batch instead of one per message), so one
//   partition is not limited to one message at a time; up to two calls of a topic's handler run at once, and
//   the batches other partitions bring while both are busy wait and go together into the next call (group
//   commit: under load a few large transactions instead of one small one per partition), as do the batches
//   of one fetch; a fetch waits briefly for a trickle of input to gather (fetch.min.bytes / max.wait.ms);
// - it marks an offset for commit only after the handler's transaction committed, and commits the marks in
//   the background once per interval (OffsetCommitter), so no batch waits for a broker round trip;
// - it hands each batch back to kafkajs before its transaction ends (PartitionLanes keeps a partition's
//   batches in order, one at a time), so the next fetch is already on its way while the batch commits;
// - a failing handler (database down) is retried in place with backoff while heartbeats continue, instead
//   of crashing the consumer into a rebalance loop; a batch that fails because of what a message holds
//   (`isRefusedInput`) is retried in smaller parts in offset order and the message that still fails is
//   dead-lettered, so no input can stop a partition;
// - each owned partition's lag (committed offset to end) and stall are measured and reported;
// - carrier calls never run here (the carrier worker does them), so a handler is short and the group
//   membership is never lost to a slow carrier.
import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { InboundMessage } from './inbound-message';
import { BatchCoalescer } from './batch-coalescer';
import { applyIsolating } from './input-isolation';
import { OffsetCommitter } from './offset-committer';
import { type LaneJob, PartitionLanes } from './partition-lanes';
import { type PartitionRef, type PartitionState, PartitionWatch } from './partition-watch';

export interface KafkaBatchServerOptions {
  kafka: Kafka;
  groupId: string;
  /** Topic → handler pattern (the name used in @EventPattern). */
  subscriptions: Record<string, string>;
  /** Most messages handed to a handler at once. */
  maxBatch: number;
  partitionsConsumedConcurrently: number;
  /**
   * Handler calls per topic at once. Two let a batch start while the previous transaction is still
   * committing, instead of waiting for it; more only add commits that wait on the same WAL flush.
   */
  handlerConcurrency: number;
  /** How often handled offsets are committed; a crash redelivers at most this long's messages (deduplicated). */
  commitIntervalMs: number;
  /**
   * A fetch returns once this much is waiting (fetch.min.bytes) or `fetchMaxWaitMs` has passed
   * (fetch.max.wait.ms), whichever comes first. Under load the bytes are there at once; a trickle is
   * gathered for up to the wait, so it costs one transaction per few orders instead of one per order.
   */
  fetchMinBytes: number;
  fetchMaxWaitMs: number;
  /** True when a handler failed because of what its messages hold: it would fail the same way again. */
  isRefusedInput: (error: unknown) => boolean;
  /** Dead-letters one message its handler refuses alone; a failure here stalls the partition (retried). */
  deadLetter: (message: InboundMessage, error: unknown) => Promise<void>;
  /** How often each owned partition's lag and stall are measured. */
  watchIntervalMs: number;
  /** A partition stalled this long is warned about, once per this long. */
  stallWarnAfterMs: number;
  onPartitionState?: (state: PartitionState) => void;
  onPartitionRevoked?: (partition: PartitionRef) => void;
}

export interface BatchContext {
  topic: string;
  /** The partitions the messages come from (each partition's messages in offset order). */
  partitions: number[];
}

type Handler = NonNullable<ReturnType<Server['getHandlerByPattern']>>;

export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('KafkaBatchServer');
  private consumer: Consumer | null = null;
  private readonly routes = new Map<string, { handler: Handler; coalescer: BatchCoalescer }>();
  private stopping = false;
  private readonly watch: PartitionWatch;
  private watchTimer: NodeJS.Timeout | null = null;
  private admin: Admin | null = null;
  private readonly committer: OffsetCommitter;
  private readonly lanes = new PartitionLanes((key, error) =>
    this.logger.warn(`stopped handling ${key} until the next rebalance: ${(error as Error).message}`),
  );
  connected = false;

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
    this.watch = new PartitionWatch(options.stallWarnAfterMs);
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
    if (this.watchTimer) clearInterval(this.watchTimer);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
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
    this.admin = kafka.admin();
    await this.admin.connect();
    this.watchTimer = setInterval(() => void this.measure(), this.options.watchIntervalMs);
    this.watchTimer.unref();
  }

  // Reads the committed offsets and partition ends from the broker and reports each owned partition.
  private async measure(): Promise<void> {
    const admin = this.admin;
    const owned = this.watch.owned();
    if (!admin || owned.length === 0 || this.stopping) return;
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
        await this.untilHandled(partition, () => this.deliver(route, messages), heartbeat, isRunning);
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

  private routeFor(topic: string): { handler: Handler; coalescer: BatchCoalescer } | undefined {
    const existing = this.routes.get(topic);
    if (existing) return existing;
    const pattern = this.options.subscriptions[topic];
    const handler = pattern ? this.getHandlerByPattern(pattern) : undefined;
    if (!handler) return undefined;
    const coalescer = new BatchCoalescer(
      (messages) => this.invoke(handler, messages),
      this.options.maxBatch * 2,
      this.options.handlerConcurrency,
    );
    const route = { handler, coalescer };
    this.routes.set(topic, route);
    return route;
  }

  // One partition's batch; a message whose input is refused is dead-lettered instead of failing it.
  private deliver(route: { handler: Handler; coalescer: BatchCoalescer }, messages: InboundMessage[]) {
    return applyIsolating(messages, {
      first: (batch) => route.coalescer.submit(batch),
      again: (part) => this.invoke(route.handler, part),
      isRefusedInput: this.options.isRefusedInput,
      deadLetter: this.options.deadLetter,
    });
  }

  private async invoke(handler: Handler, messages: InboundMessage[]): Promise<void> {
    const topic = messages[0]?.topic ?? '';
    const context: BatchContext = { topic, partitions: [...new Set(messages.map((m) => m.partition))] };
    const result = await handler(messages, context);
    // Nest may wrap the handler's result in an Observable; drain it so errors surface here.
    if (result && typeof (result as { subscribe?: unknown }).subscribe === 'function') {
      await new Promise<void>((resolve, reject) =>
        (result as { subscribe: (o: object) => void }).subscribe({ error: reject, complete: resolve }),
      );
    }
  }

  // Retries a failing handler in place: the database may be restarting. Heartbeats keep the membership.
  private async untilHandled(
    partition: PartitionRef,
    run: () => Promise<void>,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        await run();
        return;
      } catch (error) {
        if (this.stopping || !isRunning()) throw error;
        const delay = Math.min(10_000, 250 * 2 ** failures);
        this.watch.failed(partition, (error as Error).message);
        this.logger.error(
          `batch handler failed (attempt ${failures + 1}), retrying in ${delay} ms: ${(error as Error).message}`,
        );
        const until = Date.now() + delay;
        while (Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, until - Date.now())));
          await heartbeat().catch(() => undefined);
        }
      }
    }
  }
}
