// The ceiling for the Kafka part (bench only): consume OrderCancelled, produce one small output per input,
// commit after the produce is acknowledged. No database, no carrier: what kafkajs alone can move on this machine.
import { createServer } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const input = env('TOPIC_ORDER_CANCELLED');
  const output = env('TOPIC_SHIPMENT_CANCELLED');
  const partitions = Number(process.env['KAFKA_TOPIC_PARTITIONS'] ?? 6);
  const kafka = new Kafka({
    clientId: 'oms-passthrough',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.ERROR,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: env('KAFKA_GROUP_ID') });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [input], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: partitions,
    eachBatch: async ({ batch }) => {
      const messages = batch.messages.map((m) => {
        const { id, data } = JSON.parse(m.value?.toString('utf8') ?? '{}') as {
          id?: string;
          data?: { orderId?: string };
        };
        return {
          key: m.key,
          value: JSON.stringify({
            type: 'passthrough',
            orderId: data?.orderId ?? null,
            causationId: id ?? null,
          }),
        };
      });
      if (messages.length > 0) await producer.send({ topic: output, acks: -1, messages });
      // eachBatchAutoResolve and autoCommit commit the batch once this returns: after the acknowledged produce.
    },
  });

  const server = createServer((_req, res) => {
    res.writeHead(joined ? 200 : 503).end(joined ? 'ok' : 'joining');
  });
  server.listen(Number(env('HTTP_PORT')), '127.0.0.1');
  const stop = async (): Promise<void> => {
    server.close();
    await consumer.disconnect();
    await producer.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
