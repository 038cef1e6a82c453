import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module';
import { CancellationConsumer } from './cancellation/cancellation.consumer';
import { CancellationProgress } from './cancellation/cancellation-progress';
import { CancellationService } from './cancellation/cancellation.service';
import { CarrierWorker } from './cancellation/carrier-worker.service';
import { OutcomeApplier } from './cancellation/outcome-applier.service';
import { CarrierModule } from './carrier/carrier.module';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness.registry';
import { InboxService } from './inbox/inbox.service';
import { InstanceRegistry } from './instances/instance-registry.service';
import { KafkaClients } from './kafka/kafka-clients';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsModule } from './metrics/metrics.module';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { OutboxWriter } from './outbox/outbox.writer';
import { ShipmentsConsumer } from './shipments/shipments.consumer';
import { ShipmentsService } from './shipments/shipments.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extraImports: DynamicModule[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), migrationsRun: config.runMigrations }),
        CarrierModule,
        AdminModule,
        ...extraImports,
      ],
      controllers: [HealthController, MetricsController, CancellationConsumer, ShipmentsConsumer],
      providers: [
        KafkaClients,
        InstanceRegistry,
        ReadinessRegistry,
        OutboxWriter,
        OutboxRelay,
        InboxService,
        CancellationProgress,
        CancellationService,
        OutcomeApplier,
        CarrierWorker,
        ShipmentsService,
      ],
      exports: [CancellationService, CarrierWorker, OutboxWriter],
    };
  }
}
