// The columns of the table of live service instances (see ../table.ts), as the migrations create it.
import { Table, col } from '../table';

export interface ServiceInstanceColumns {
  instanceId: string;
  startedAt: Date;
  seenAt: Date;
}

export const SERVICE_INSTANCE = new Table<ServiceInstanceColumns>('service_instance', {
  instanceId: col('instance_id', 'text'),
  startedAt: col('started_at', 'timestamptz'),
  seenAt: col('seen_at', 'timestamptz'),
});
