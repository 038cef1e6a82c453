// `node main.js`: reads the outcome topics to their end and prints the refunded totals as JSON. Settings from
// the environment: KAFKA_BROKERS, LEDGER_GROUP_ID, TOPIC_SHIPMENT_CANCELLED, TOPIC_SHIPMENT_CANCELLATION_FAILED.
import { Topics } from '@oms/events';
import { readLedger } from './consume';

async function main(): Promise<void> {
  const env = process.env;
  const ledger = await readLedger({
    brokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
    groupId: env['LEDGER_GROUP_ID'] ?? 'refunds-ledger',
    topics: [
      env['TOPIC_SHIPMENT_CANCELLED'] ?? Topics.shipmentCancelled,
      env['TOPIC_SHIPMENT_CANCELLATION_FAILED'] ?? Topics.shipmentCancellationFailed,
    ],
  });
  process.stdout.write(`${JSON.stringify({ totals: ledger.totals(), skipped: ledger.skipped })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
