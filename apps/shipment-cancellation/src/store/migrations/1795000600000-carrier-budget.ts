import { type MigrationInterface, type QueryRunner } from 'typeorm';

// One carrier quota per (API, operation, seller account), shared by every instance: a GCRA schedule whose next
// free slot is `tat_ms` (epoch ms on Postgres's clock). Instances take tokens from it in small batches. It
// replaces the table of live instances, which served only to split each quota into 1/n shares. Fill factor 50:
// every grant rewrites its row, and room on the page keeps those updates heap-only.
export class CarrierBudget1795000600000 implements MigrationInterface {
  name = 'CarrierBudget1795000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE carrier_budget (
        api text NOT NULL,
        operation text NOT NULL,
        seller_account text NOT NULL,
        configured_rate double precision NOT NULL CHECK (configured_rate > 0),
        rate_per_second double precision NOT NULL CHECK (rate_per_second > 0),
        burst double precision NOT NULL CHECK (burst >= 1),
        interval_ms double precision NOT NULL CHECK (interval_ms > 0),
        tolerance_ms double precision NOT NULL CHECK (tolerance_ms >= 0),
        tat_ms double precision NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (api, operation, seller_account)
      ) WITH (fillfactor = 50)`);
    await q.query(`DROP TABLE service_instance`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_instance (
        instance_id text PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT now(),
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`DROP TABLE carrier_budget`);
  }
}
