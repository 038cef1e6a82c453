import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Sets fillfactor 70 on shipment and cancellation_request, whose rows are updated in place: the free room on
// each page keeps those updates heap-only (HOT), with no new index entries. Affects pages written from now on.
export class ShipmentAndRequestFillfactor1795000200000 implements MigrationInterface {
  // The name this migration had when first released: databases record it in their migrations table, keep it.
  name = 'HotUpdateRoom1795000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shipment SET (fillfactor = 70)`);
    await q.query(`ALTER TABLE cancellation_request SET (fillfactor = 70)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shipment RESET (fillfactor)`);
    await q.query(`ALTER TABLE cancellation_request RESET (fillfactor)`);
  }
}
