import { type MigrationInterface, type QueryRunner } from 'typeorm';

// The whole schema of the first release. States are CHECK-constrained text so a bad write fails loudly.
export class InitialSchema1795000000000 implements MigrationInterface {
  name = 'InitialSchema1795000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shipment (
        id text PRIMARY KEY,
        order_id text NOT NULL,
        carrier text NOT NULL CHECK (carrier IN ('amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0')),
        carrier_shipment_id text NOT NULL,
        business_id text,
        marketplace_id text,
        seller_account text NOT NULL,
        tracking_id text,
        carrier_id text,
        label_cost_amount numeric(14, 4) NOT NULL,
        label_cost_currency char(3) NOT NULL,
        purchased_at timestamptz NOT NULL,
        cancel_window_ends_at timestamptz,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelling', 'cancelled', 'cancel_failed')),
        source_event_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shipment_carrier_id_unique UNIQUE (carrier, carrier_shipment_id)
      )`);
    await q.query(`CREATE INDEX shipment_order_idx ON shipment (order_id)`);

    await q.query(`
      CREATE TABLE cancellation_request (
        id uuid PRIMARY KEY,
        order_id text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('order', 'shipment')),
        trigger text NOT NULL CHECK (trigger IN ('order_event', 'admin')),
        actor text NOT NULL,
        reason text,
        causation_id text NOT NULL,
        correlation_id text NOT NULL,
        rule text NOT NULL CHECK (rule IN ('single_shipment', 'multiple_shipments', 'no_shipments')),
        shipment_count integer NOT NULL,
        manual_reship_event_id uuid,
        status text NOT NULL CHECK (status IN ('in_progress', 'completed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    // One order-level cancellation per order, whoever asked first: the effect is applied once.
    await q.query(
      `CREATE UNIQUE INDEX cancellation_request_order_unique ON cancellation_request (order_id) WHERE scope = 'order'`,
    );
    await q.query(`CREATE INDEX cancellation_request_order_idx ON cancellation_request (order_id)`);

    await q.query(`
      CREATE TABLE shipment_cancellation (
        id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES cancellation_request (id),
        order_id text NOT NULL,
        shipment_id text NOT NULL REFERENCES shipment (id),
        carrier text NOT NULL,
        carrier_shipment_id text NOT NULL,
        seller_account text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'in_flight', 'unknown', 'refund_pending', 'voided', 'already_cancelled', 'failed')),
        operation text NOT NULL DEFAULT 'cancel' CHECK (operation IN ('cancel', 'follow_up')),
        reship_eligible boolean NOT NULL,
        possibly_sent boolean NOT NULL DEFAULT false,
        attempts integer NOT NULL DEFAULT 0,
        -- Attempts made before an operator's last retry: the retry budget counts from there.
        attempts_before_retry integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        lease_until timestamptz,
        outcome text CHECK (outcome IN ('voided', 'refund_pending', 'already_cancelled')),
        failure_reason text,
        requires_manual_action boolean NOT NULL DEFAULT false,
        refund_status text NOT NULL DEFAULT 'none' CHECK (refund_status IN ('none', 'pending', 'applied', 'rejected')),
        carrier_request_id text,
        http_status integer,
        error_code text,
        error_message text,
        error_details text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        -- One cancellation per shipment, ever: the guard against a second carrier cancel.
        CONSTRAINT shipment_cancellation_shipment_unique UNIQUE (shipment_id)
      )`);
    await q.query(`
      CREATE INDEX shipment_cancellation_due_idx ON shipment_cancellation (next_attempt_at)
      WHERE state IN ('pending', 'unknown', 'refund_pending')`);
    await q.query(
      `CREATE INDEX shipment_cancellation_lease_idx ON shipment_cancellation (lease_until) WHERE state = 'in_flight'`,
    );
    await q.query(`CREATE INDEX shipment_cancellation_request_idx ON shipment_cancellation (request_id)`);
    await q.query(`CREATE INDEX shipment_cancellation_order_idx ON shipment_cancellation (order_id)`);
    await q.query(
      `CREATE INDEX shipment_cancellation_state_idx ON shipment_cancellation (state, created_at, id)`,
    );

    await q.query(`
      CREATE TABLE carrier_attempt (
        id bigserial PRIMARY KEY,
        shipment_cancellation_id uuid NOT NULL REFERENCES shipment_cancellation (id),
        attempt integer NOT NULL,
        operation text NOT NULL CHECK (operation IN ('cancel', 'status')),
        outcome text NOT NULL,
        http_status integer,
        carrier_request_id text,
        error_code text,
        error_message text,
        tries integer NOT NULL,
        elapsed_ms integer NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX carrier_attempt_cancellation_idx ON carrier_attempt (shipment_cancellation_id, id)`,
    );

    await q.query(`
      CREATE TABLE inbox_message (
        message_id text PRIMARY KEY,
        event_type text,
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        order_id text,
        result text NOT NULL CHECK (result IN ('processed', 'duplicate_order', 'dead_lettered')),
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE outbox_event (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        message_key text,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX outbox_event_unpublished_idx ON outbox_event (id) WHERE published_at IS NULL`,
    );

    // Every cancellation is updated several times within seconds: vacuum these hot tables early, so the
    // worker's and the relay's partial indexes do not fill with dead entries.
    for (const table of ['shipment_cancellation', 'outbox_event']) {
      await q.query(
        `ALTER TABLE ${table} SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
                                   autovacuum_vacuum_cost_delay = 0)`,
      );
    }

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        role text NOT NULL,
        action text NOT NULL,
        reason text NOT NULL,
        request_id text NOT NULL,
        idempotency_key text,
        target_type text NOT NULL,
        target_id text NOT NULL,
        request jsonb NOT NULL,
        response_status integer NOT NULL,
        result jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id)`);

    await q.query(`
      CREATE TABLE idempotency_record (
        actor text NOT NULL,
        idempotency_key text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        request_hash text NOT NULL,
        response_status integer NOT NULL,
        response_body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor, idempotency_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_record',
      'audit_log',
      'outbox_event',
      'inbox_message',
      'carrier_attempt',
      'shipment_cancellation',
      'cancellation_request',
      'shipment',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
