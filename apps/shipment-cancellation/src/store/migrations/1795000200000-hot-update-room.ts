import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Room on every page of the two tables whose rows are updated in place: a shipment twice (cancelling, then its
// outcome), a request once or twice (completed, its ManualReshipRequired). None of those columns is indexed, so
// with room on the page an update is heap-only (HOT): no new entry in any of the table's indexes, less WAL and
// less for vacuum. Without room (the default fillfactor of 100 packs the pages full) most of them are not. Pages
// written from now on get the room; existing ones keep their packing until rewritten.
export class HotUpdateRoom1795000200000 implements MigrationInterface {
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
