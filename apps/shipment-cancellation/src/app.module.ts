import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module';
import { CancellationConsumer } from './cancellation/cancellation.consumer';
import { CancellationModule } from './cancellation/cancellation.module';
import { CarrierModule } from './carrier/carrier.module';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source';
import { TableRetention } from './database/retention.service';
import { TableUpkeep } from './database/table-upkeep.service';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness.registry';
import { InboxService } from './inbox/inbox.service';
import { InstanceRegistry } from './instances/instance-registry.service';
import { KafkaClients } from './kafka/kafka-clients';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { ShipmentsConsumer } from './shipments/shipments.consumer';
import { ShipmentsService } from './shipments/shipments.service';

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
      controllers: [HealthController, MetricsController, CancellationConsumer, ShipmentsConsumer],
      providers: [
        InstanceRegistry,
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
