// Exits 0 once the broker at argv[2] lets a client create a topic (what "ready" means for us).
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] ?? '127.0.0.1:9092';
const kafka = new Kafka({
  clientId: 'oms-infra-probe',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  retry: { retries: 0 },
});

(async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic: 'oms.infra.ready', numPartitions: 1 }],
      waitForLeaders: true,
      timeout: 5000,
    });
  } finally {
    await admin.disconnect();
  }
})().then(
  () => process.exit(0),
  () => process.exit(1),
);
