import { type MigrationInterface, type QueryRunner } from 'typeorm';

// The W3C traceparent of the input that asked for a cancellation, written by the INSERT that creates the
// request, so the carrier call and the outcome events (hours later, after restarts) join the input's trace.
// Nullable with no default: adding it rewrites nothing.
export class TraceParent1795000400000 implements MigrationInterface {
  name = 'TraceParent1795000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cancellation_request ADD COLUMN trace_parent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cancellation_request DROP COLUMN trace_parent`);
  }
}
