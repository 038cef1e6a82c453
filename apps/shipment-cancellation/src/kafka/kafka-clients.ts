import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/** The one kafkajs client of the process, with kafkajs' own logs routed into ours. */
@Injectable()
export class KafkaClients {
  readonly kafka: Kafka;
  private readonly logger = new Logger('kafkajs');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.kafka = new Kafka({
      clientId: config.kafka.clientId,
      brokers: config.kafka.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.log(entry),
      retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10_000 },
    });
  }

  /** Creates our topics when missing (a no-op when they exist), so a fresh broker works out of the box. */
  async ensureTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = Object.values(this.config.topics).filter((topic) => !existing.has(topic));
      if (wanted.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: wanted.map((topic) => ({ topic, numPartitions: this.config.kafka.partitions })),
        });
        this.logger.log(`created topics ${wanted.join(', ')}`);
      }
    } finally {
      await admin.disconnect();
    }
  }

  private log({ level, log }: LogEntry): void {
    const { message, ...rest } = log;
    const text = `${message} ${JSON.stringify(rest)}`;
    if (level === logLevel.ERROR) this.logger.error(text);
    else if (level === logLevel.WARN) this.logger.warn(text);
    else this.logger.debug(text);
  }
}
