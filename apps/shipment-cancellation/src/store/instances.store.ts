// The statements on the table of live service instances: a heartbeat that also counts the live ones.
import type { DataSource } from 'typeorm';
import { SERVICE_INSTANCE } from './tables/service-instance.tables';

/**
 * Records instance $1 as seen now, forgets instances silent for 4 × $2 seconds, and counts the instances
 * seen within $2 seconds (this one included).
 */
export const HEARTBEAT = `WITH me AS (
         INSERT INTO service_instance (${SERVICE_INSTANCE.names(['instanceId'])}) VALUES ($1)
         ON CONFLICT (instance_id) DO UPDATE SET seen_at = now()
       ), gone AS (
         DELETE FROM service_instance WHERE seen_at < now() - make_interval(secs => $2 * 4)
       )
       SELECT 1 + count(*)::int AS live FROM service_instance
        WHERE instance_id <> $1 AND seen_at >= now() - make_interval(secs => $2)`;

/** The live service instances, each heartbeating its row. */
export class InstancesStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the instance as alive, forgets those silent for long, and returns how many are live. */
  async heartbeat(instanceId: string, expirySeconds: number): Promise<number> {
    const [row]: Array<{ live: number }> = await this.dataSource.query(HEARTBEAT, [
      instanceId,
      expirySeconds,
    ]);
    return row?.live ?? 1;
  }

  /** Removes the instance's row (it is stopping). */
  async remove(instanceId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM service_instance WHERE instance_id = $1`, [instanceId]);
  }
}
