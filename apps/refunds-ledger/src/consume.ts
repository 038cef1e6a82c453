// Reads the outcome topics from the beginning to their current end with a consumer group of its own, feeding
// every message to the ledger. The ledger lives in memory, so no offset is committed: each run replays it all.
import { Kafka, logLevel } from 'kafkajs';
import { RefundsLedger } from './ledger';

export interface LedgerSource {
  brokers: string[];
  groupId: string;
  /** The ShipmentCancelled and ShipmentCancellationFailed topics (oms.shipment.cancelled.v1, ...). */
  topics: string[];
  /** Gives up when the end is not reached by then. */
  timeoutMs?: number;
}

/** Builds a ledger from everything the topics hold now; resolves once every partition is read to its end. */
export async function readLedger(source: LedgerSource, ledger = new RefundsLedger()): Promise<RefundsLedger> {
  const kafka = new Kafka({
    clientId: 'refunds-ledger',
    brokers: source.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of source.topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}:${p.partition}`, BigInt(p.high) - 1n);
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return ledger;

  const consumer = kafka.consumer({ groupId: source.groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: source.topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the end of ${[...remaining.keys()].join(', ')} not reached`)),
        source.timeoutMs ?? 60_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            if (message.value) ledger.accept(message.value);
            const key = `${topic}:${partition}`;
            const last = remaining.get(key);
            if (last !== undefined && BigInt(message.offset) >= last) remaining.delete(key);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return ledger;
}
