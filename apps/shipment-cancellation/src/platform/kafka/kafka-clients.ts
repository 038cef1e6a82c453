import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';

/**
 * Broker conditions that clear up by themselves and kafkajs retries (elections, coordinator moves,
 * rebalances): logged at `warn`, not kafkajs' `error`. Keyed by kafkajs error type, with kafkajs' message.
 */
export const TRANSIENT_KAFKA_CONDITIONS: Readonly<Record<string, string>> = {
  LEADER_NOT_AVAILABLE: 'There is no leader for this topic-partition',
  NOT_LEADER_FOR_PARTITION: 'This server is not the leader for that topic-partition',
  GROUP_LOAD_IN_PROGRESS: 'The coordinator is loading',
  GROUP_COORDINATOR_NOT_AVAILABLE: 'The group coordinator is not available',
  NOT_COORDINATOR_FOR_GROUP: 'This is not the correct coordinator for this group',
  REBALANCE_IN_PROGRESS: 'The group is rebalancing',
};
// The same conditions under their Kafka protocol names.
const TRANSIENT_TYPES = new Set([
  ...Object.keys(TRANSIENT_KAFKA_CONDITIONS),
  'NOT_LEADER_OR_FOLLOWER',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);
const TRANSIENT_MESSAGES = Object.values(TRANSIENT_KAFKA_CONDITIONS).map((m) => m.toLowerCase());

// A crash or a restart means kafkajs gave up retrying: that stays an error whatever the cause.
const GAVE_UP = /^(Crash:|Restarting the consumer)/;

function isTransient(message: string, log: Record<string, unknown>): boolean {
  if (GAVE_UP.test(message)) return false;
  for (const key of ['type', 'errorType']) {
    const type = log[key];
    if (typeof type === 'string' && TRANSIENT_TYPES.has(type)) return true;
  }
  const error = log['error'];
  const errorText =
    typeof error === 'string' ? error : error instanceof Error ? `${error.name} ${error.message}` : '';
  const text = `${message}\n${errorText}`.toLowerCase();
  return TRANSIENT_MESSAGES.some((m) => text.includes(m));
}

/** The level a kafkajs log entry is written at: its own, but `warn` for an error that is a transient condition. */
export function kafkaLogLevel(entry: Pick<LogEntry, 'level' | 'log'>): 'error' | 'warn' | 'debug' {
  if (entry.level === logLevel.ERROR) {
    const { message, ...rest } = entry.log;
    return isTransient(String(message), rest) ? 'warn' : 'error';
  }
  return entry.level === logLevel.WARN ? 'warn' : 'debug';
}

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

  private log(entry: LogEntry): void {
    const { message, ...rest } = entry.log;
    const text = `${message} ${JSON.stringify(rest)}`;
    this.logger[kafkaLogLevel(entry)](text);
  }
}
