import { type MigrationInterface, type QueryRunner } from 'typeorm';

// Every input that was dead-lettered, with its original bytes, so operators can list it and redrive it after a
// fix. Keys, payloads and header values are bytea (any bytes, NUL included); the text and jsonb columns only
// hold what the store has made safe for them. A position in Kafka is recorded once per consumer group.
export class DeadLetter1795000300000 implements MigrationInterface {
  name = 'DeadLetter1795000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dead_letter (
        id uuid PRIMARY KEY,
        consumer_group text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        message_key bytea,
        payload bytea NOT NULL,
        -- A null value (a tombstone) is kept apart from an empty one, so a redrive sends what came in.
        payload_null boolean NOT NULL DEFAULT false,
        -- [{ "name": ..., "base64": ... }] in the order received, repeats kept; "nameBase64" when the name
        -- itself cannot be stored as jsonb text.
        headers jsonb NOT NULL CHECK (jsonb_typeof(headers) = 'array'),
        error_kind text NOT NULL,
        error_message text NOT NULL,
        error_issues jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(error_issues) = 'array'),
        event_type text,
        order_id text,
        dead_lettered_at timestamptz NOT NULL DEFAULT now(),
        redrive_count integer NOT NULL DEFAULT 0 CHECK (redrive_count >= 0),
        last_redriven_at timestamptz,
        last_redriven_by text,
        CONSTRAINT dead_letter_position_unique UNIQUE (consumer_group, topic, partition, "offset")
      )`);
    // The admin list pages on (dead_lettered_at, id), over everything or over one topic.
    await q.query(`CREATE INDEX dead_letter_listed_idx ON dead_letter (dead_lettered_at, id)`);
    await q.query(`CREATE INDEX dead_letter_topic_idx ON dead_letter (topic, dead_lettered_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dead_letter`);
  }
}
