import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module';
import { CancellationModule } from './pipeline/pipeline.module';
import { CarrierModule } from './platform/carrier/carrier.module';
import type { AppConfig } from './platform/config/config';
import { ConfigModule } from './platform/config/config.module';
import { dataSourceOptions } from './store/data-source';
import { TableRetention } from './store/upkeep/retention.service';
import { TableUpkeep } from './store/upkeep/table-upkeep.service';
import { DeadLettersModule } from './admin/dead-letters/dead-letters.module';
import { HealthController } from './platform/health/health.controller';
import { ReadinessRegistry } from './platform/health/readiness.registry';
import { InboxService } from './pipeline/ingest/inbox.service';
import { KafkaClients } from './platform/kafka/kafka-clients';
import { MetricsController } from './platform/metrics/metrics.controller';
import { MetricsModule } from './platform/metrics/metrics.module';
import { OutboxRelay } from './pipeline/relay/outbox-relay.service';
import { InputConsumers } from './pipeline/ingest/input.consumers';
import { ShipmentsService } from './pipeline/ingest/shipments.service';

/** The one kafkajs client of the process, for every module (the dead-letter redrive sends with it too). */
@Global()
@Module({ providers: [KafkaClients], exports: [KafkaClients] })
class KafkaClientsModule {}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        KafkaClientsModule,
        MetricsModule,
        // No migrationsRun: startService applies migrations first, under the migration lock.
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl)),
        CarrierModule,
        CancellationModule,
        DeadLettersModule,
        AdminModule,
      ],
      controllers: [HealthController, MetricsController, InputConsumers],
      providers: [
        ReadinessRegistry,
        OutboxRelay,
        InboxService,
        ShipmentsService,
        TableUpkeep,
        TableRetention,
      ],
    };
  }
}
