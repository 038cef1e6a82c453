// The one TypeORM data source definition, shared by the app and the migration command.
import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuditLogEntity } from './entities/audit-log.entity';
import { IdempotencyRecordEntity } from './entities/idempotency-record.entity';
import {
  CarrierAttemptEntity,
  CancellationRequestEntity,
  ShipmentCancellationEntity,
} from './entities/cancellation.entities';
import { DeadLetterEntity } from './entities/dead-letter.entity';
import { InboxMessageEntity } from './entities/inbox-message.entity';
import { CarrierBudgetEntity } from './entities/carrier-budget.entity';
import { OutboxEventEntity } from './entities/outbox-event.entity';
import { ShipmentEntity } from './entities/shipment.entity';
import { QueryLogger } from './query-logger';
import { InitialSchema1795000000000 } from './migrations/1795000000000-initial-schema';
import { ServiceInstance1795000100000 } from './migrations/1795000100000-service-instance';
import { ShipmentAndRequestFillfactor1795000200000 } from './migrations/1795000200000-shipment-and-request-fillfactor';
import { DeadLetter1795000300000 } from './migrations/1795000300000-dead-letter';
import { TraceParent1795000400000 } from './migrations/1795000400000-trace-parent';
import { EventSequence1795000500000 } from './migrations/1795000500000-event-sequence';
import { CarrierBudget1795000600000 } from './migrations/1795000600000-carrier-budget';

// One entity per table, mirroring the migrated schema column for column (test/entities.e2e-spec.ts checks it).
export const entities = [
  ShipmentEntity,
  CancellationRequestEntity,
  ShipmentCancellationEntity,
  CarrierAttemptEntity,
  InboxMessageEntity,
  OutboxEventEntity,
  DeadLetterEntity,
  AuditLogEntity,
  IdempotencyRecordEntity,
  CarrierBudgetEntity,
];

export const migrations = [
  InitialSchema1795000000000,
  ServiceInstance1795000100000,
  ShipmentAndRequestFillfactor1795000200000,
  DeadLetter1795000300000,
  TraceParent1795000400000,
  EventSequence1795000500000,
  CarrierBudget1795000600000,
];

export function dataSourceOptions(url: string, extra: { poolSize?: number } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    // The schema comes from migrations only.
    synchronize: false,
    migrationsRun: false,
    // Refused and slow statements through the service's JSON logger, never their parameters. TypeORM hands a
    // logger object every message and ignores `logging`, so QueryLogger alone decides (query-logger.ts).
    logger: new QueryLogger(),
    poolSize: extra.poolSize ?? 20,
    extra: { application_name: 'oms-shipment-cancellation' },
  };
}

export function createDataSource(url: string, extra: { poolSize?: number } = {}): DataSource {
  return new DataSource(dataSourceOptions(url, extra));
}
