import { Controller, Get, Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { createCarrierClient } from '../../src/platform/carrier/carrier.module';
import { loadConfig } from '../../src/platform/config/config';
import { NAIVE_CARRIER, NAIVE_OUTPUTS, NaiveCancellationController } from './naive-cancellation.controller';
import { NaiveStore } from './naive.store';

// Same configuration reader and carrier client as the service, so the comparison is about the pipeline only.
const config = loadConfig();

@Controller('health')
class NaiveHealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

@Module({
  imports: [
    ClientsModule.register([
      {
        name: NAIVE_OUTPUTS,
        transport: Transport.KAFKA,
        options: {
          client: { clientId: 'oms-naive-producer', brokers: config.kafka.brokers },
          producerOnlyMode: true,
        },
      },
    ]),
  ],
  controllers: [NaiveCancellationController, NaiveHealthController],
  providers: [
    { provide: NaiveStore, useFactory: () => new NaiveStore(config.databaseUrl) },
    { provide: NAIVE_CARRIER, useFactory: () => createCarrierClient(config) },
  ],
})
export class NaiveModule {
  static readonly config = config;
}
