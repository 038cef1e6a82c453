import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Orders a cancellation's events: event_sequence counts the events published about it (the next carries it plus
// one) and last_final_event_id names its final event until a later one supersedes it. A constant default and a
// nullable column: adding them rewrites nothing. Events from before carry no sequence (consumers read 0).
export class EventSequence1795000500000 implements MigrationInterface {
  name = 'EventSequence1795000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE shipment_cancellation ADD COLUMN event_sequence int NOT NULL DEFAULT 0,
                                         ADD COLUMN last_final_event_id uuid`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE shipment_cancellation DROP COLUMN event_sequence, DROP COLUMN last_final_event_id`,
    );
  }
}
