// Publishes the outbox to Kafka, oldest first, with an idempotent producer, then marks rows published (in the
// statement that selects the next batch). A crash between the two re-sends the same rows with the same event
// ids: at least once, never a new id.
// One relay runs per database (a session advisory lock elects it), which keeps per-key order across
// instances; the others stand by and take over when the holder's connection goes away.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Partitioners, type Producer } from 'kafkajs';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { KafkaClients } from '../../platform/kafka/kafka-clients';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { WakeSignal } from '../../platform/scheduling/wake-signal';
import { OutboxWriter } from '../../store/outbox.writer';
import { preparedQuery } from '../../store/query-rows';
import { RELAY_LOCK_ID } from '../../store/advisory-locks';
import { SpanKind, endSpan, startBatchSpan, tracingEnabled } from '../../platform/tracing/tracing';

/**
 * Marks the rows sent last ($2) published, asynchronously committed, and selects the next batch ($1 rows).
 * The select sees the table as it was before the mark, hence the rows just marked are left out by id.
 */
export const MARK_AND_SELECT = `WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),
  marked AS (UPDATE outbox_event SET published_at = now() FROM async WHERE id = ANY($2::bigint[]))
  SELECT id, topic, message_key AS key, event_type AS "eventType", payload::text AS payload,
         payload->>'traceparent' AS "traceParent"
    FROM outbox_event WHERE published_at IS NULL AND NOT (id = ANY($2::bigint[])) ORDER BY id LIMIT $1`;

interface OutboxRow {
  id: string;
  topic: string;
  key: string | null;
  eventType: string;
  payload: string;
  /** The event's CloudEvents `traceparent`, also sent as the Kafka header of that name. */
  traceParent: string | null;
}

const CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/**
 * Most bytes one send carries (payloads, keys and headers, with room for Kafka's framing). Kafka refuses a record
 * batch over its 1 MiB message limit, and one send puts a partition's records in one batch: rows past this wait
 * for the next send instead. A row alone always fits (a dead-letter record stays under 700 KiB).
 */
export const RELAY_SEND_BYTES = 900 * 1024;
const RECORD_FRAMING_BYTES = 96;

/** The oldest rows whose bytes fit in one send; at least one. */
export function fitToSend<R extends { key: string | null; payload: string; traceParent: string | null }>(
  rows: R[],
  limit = RELAY_SEND_BYTES,
): R[] {
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as R;
    bytes +=
      Buffer.byteLength(row.payload) +
      (row.key?.length ?? 0) +
      (row.traceParent?.length ?? 0) +
      RECORD_FRAMING_BYTES;
    if (bytes > limit && i > 0) return rows.slice(0, i);
  }
  return rows;
}

@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly signal = new WakeSignal();
  private producer: Producer | null = null;
  private lockRunner: QueryRunner | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Ids of the rows sent by the last publishBatch, which the next one marks published. */
  private sentUnmarked: string[] = [];
  leader = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaClients,
    private readonly writer: OutboxWriter,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.producer = await this.connectProducer();
    this.running = true;
    this.unsubscribe = this.writer.onCommitted(() => this.wake());
    this.loop = this.run();
  }

  private async connectProducer(): Promise<Producer> {
    const producer = this.kafka.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 key hashing: an order's events land where any Kafka client would put them.
      createPartitioner: Partitioners.DefaultPartitioner,
      // An idempotent producer must not give up on a send (kafkajs warns otherwise); the relay loop, not a
      // retry budget, decides what happens while the broker is away.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    await producer.connect();
    return producer;
  }

  // After a failed send the idempotent producer's sequence numbers may no longer match the broker's, and every
  // later send would be refused: drop it, and the next batch starts a new one (unmarked rows go again, same ids).
  private async dropProducer(): Promise<void> {
    const old = this.producer;
    this.producer = null;
    await old?.disconnect().catch(() => undefined);
  }

  /** Publishes what is already committed, then stops and disconnects the producer. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    if (this.leader) await this.drain();
    await this.releaseLeadership();
    await this.producer?.disconnect();
    this.producer = null;
  }

  get connected(): boolean {
    return this.producer !== null;
  }

  private wake(): void {
    this.signal.notify();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        if (await this.ensureLeadership()) published = await this.publishBatch();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.error(`outbox relay failed (${failures} in a row): ${(error as Error).message}`);
        await this.releaseLeadership();
      }
      // After a send, go again at once: that marks the batch and picks up what committed meanwhile.
      if (published > 0) continue;
      const delay =
        failures > 0
          ? Math.min(30_000, 250 * 2 ** failures)
          : this.leader
            ? this.config.outbox.pollIntervalMs
            : 2_000;
      await this.signal.wait(delay);
    }
  }

  /** Publishes until nothing is left, and marks the last batch. */
  private async drain(): Promise<void> {
    try {
      while ((await this.publishBatch()) > 0);
    } catch (error) {
      this.logger.error(`outbox drain at shutdown stopped: ${(error as Error).message}`);
    }
  }

  private async ensureLeadership(): Promise<boolean> {
    if (this.leader) return true;
    this.lockRunner ??= this.dataSource.createQueryRunner();
    const [row]: Array<{ locked: boolean }> = await this.lockRunner.query(
      `SELECT pg_try_advisory_lock($1) AS locked`,
      [RELAY_LOCK_ID],
    );
    this.leader = row?.locked === true;
    if (this.leader) this.logger.log('this instance relays the outbox');
    return this.leader;
  }

  private async releaseLeadership(): Promise<void> {
    const runner = this.lockRunner;
    this.lockRunner = null;
    this.leader = false;
    // Unmarked rows stay unpublished: the next leader sends them again, with the same ids.
    this.sentUnmarked = [];
    if (!runner) return;
    try {
      await runner.query(`SELECT pg_advisory_unlock($1)`, [RELAY_LOCK_ID]);
    } catch {
      // The connection is gone, and the lock with it.
    }
    await runner.release().catch(() => undefined);
  }

  /**
   * Marks the batch sent last as published and, in the same statement, selects the next one; sends it.
   * Returns how many rows it sent. A batch is marked by the next call, which the loop makes at once after a
   * send, so the mark costs no round trip of its own.
   */
  private async publishBatch(): Promise<number> {
    const producer = (this.producer ??= await this.connectProducer());
    const sent = this.sentUnmarked;
    // The mark does not wait for its commit to be flushed (synchronous_commit off for this one transaction):
    // that keeps the relay out of the WAL flush queue every other commit waits in. A Postgres crash that loses
    // the mark only re-sends those rows, with the same ids and in the same order, which at-least-once allows.
    const selected: OutboxRow[] = await preparedQuery(this.dataSource, MARK_AND_SELECT, [
      this.config.outbox.batchSize,
      sent,
    ]);
    this.sentUnmarked = [];
    if (selected.length === 0) return 0;
    // Rows left out here stay unpublished and are selected again next time, in order.
    const rows = fitToSend(selected);
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
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, topicRows]) => ({
          topic,
          messages: topicRows.map((row) => ({
            key: row.key,
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
    this.sentUnmarked = rows.map((r) => r.id);
    for (const row of rows) this.metrics.outputs.inc({ type: row.eventType });
    return rows.length;
  }
}
