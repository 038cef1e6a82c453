import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Live service instances, so they can split the carrier's rate limits between them.
export class ServiceInstance1795000100000 implements MigrationInterface {
  name = 'ServiceInstance1795000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_instance (
        instance_id text PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_instance`);
  }
}
