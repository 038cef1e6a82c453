// What the batch transport (KafkaBatchServer) is configured with.
import type { Kafka } from 'kafkajs';
import type { InboundMessage } from './inbound-message';
import type { PartitionRef, PartitionState } from './partition-watch';

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
  /**
   * Awaited before each batch is handed to its handler, and the function it gives called once the batch is
   * handled (or given up): lets the carrier worker pace the intake while its calls need the CPU (see
   * CarrierWorker.admitIntake).
   */
  admit?: (messages: number) => Promise<() => void>;
  onPartitionState?: (state: PartitionState) => void;
  onPartitionRevoked?: (partition: PartitionRef) => void;
}
