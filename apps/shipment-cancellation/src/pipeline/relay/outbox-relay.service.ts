// Publishes the outbox to Kafka, oldest first, then marks the rows published in the statement that selects
// the next batch: a crash between the two re-sends the same rows with the same event ids (at least once).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../platform/config/config.module';
import type { AppConfig } from '../../platform/config/config';
import { KafkaClients } from '../../platform/kafka/kafka-clients';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { WakeSignal } from '../../platform/scheduling/wake-signal';
import { OutboxWriter } from '../../store/outbox.writer';
import { RelayStore } from '../../store/relay.store';
import { OutboxSender, fitToSend } from './outbox-sender';

/** The outbox relay: one per database (a session lock elects it) keeps per-key order; the others stand by. */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly signal = new WakeSignal();
  private readonly store: RelayStore;
  private readonly sender: OutboxSender;
  private unsubscribe: (() => void) | null = null;
  /** Ids of the rows sent by the last publishBatch, which the next one marks published. */
  private sentUnmarked: string[] = [];
  leader = false;

  constructor(
    dataSource: DataSource,
    kafka: KafkaClients,
    private readonly writer: OutboxWriter,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.store = new RelayStore(dataSource);
    this.sender = new OutboxSender(kafka);
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.sender.connect();
    this.running = true;
    this.unsubscribe = this.writer.onCommitted(() => this.wake());
    this.loop = this.run();
  }

  /** Publishes what is already committed, then stops and disconnects the producer. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    if (this.leader) await this.drain();
    await this.releaseLeadership();
    await this.sender.disconnect();
  }

  get connected(): boolean {
    return this.sender.connected;
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
    this.leader = await this.store.tryLead();
    if (this.leader) this.logger.log('this instance relays the outbox');
    return this.leader;
  }

  private async releaseLeadership(): Promise<void> {
    this.leader = false;
    // Unmarked rows stay unpublished: the next leader sends them again, with the same ids.
    this.sentUnmarked = [];
    await this.store.stepDown();
  }

  /**
   * Marks the batch sent last published and, in the same statement, selects the next one; sends it. Returns
   * how many rows it sent. The loop calls again at once after a send, so the mark costs no round trip.
   */
  private async publishBatch(): Promise<number> {
    await this.sender.connect();
    const selected = await this.store.markAndSelectNext(this.sentUnmarked, this.config.outbox.batchSize);
    this.sentUnmarked = [];
    if (selected.length === 0) return 0;
    // Rows left out here stay unpublished and are selected again next time, in order.
    const rows = fitToSend(selected);
    await this.sender.send(rows);
    this.sentUnmarked = rows.map((r) => r.id);
    for (const row of rows) this.metrics.outputs.inc({ type: row.eventType });
    return rows.length;
  }
}
