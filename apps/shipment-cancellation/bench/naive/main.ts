// The naive baseline as a process of its own (bench only, never shipped): a hybrid Nest app whose Kafka side is
// the stock ServerKafka with default run options — eachMessage, one message at a time, auto-commit.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { NaiveModule } from './naive.module';

async function main(): Promise<void> {
  const { config } = NaiveModule;
  const app = await NestFactory.create(NaiveModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'oms-naive', brokers: config.kafka.brokers, logLevel: logLevel.ERROR },
      // ServerKafka appends '-server' to the group id.
      consumer: { groupId: config.kafka.groupId },
      subscribe: { fromBeginning: true },
    },
  });
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
