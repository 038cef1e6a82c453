// The naive baseline's own tables: a shipment projection and one result row per cancelled shipment.
// Plain pg, one statement at a time, as a first version of such a service would do it.
import { Pool } from 'pg';
import type { ShipmentPurchased } from '@oms/events';

export interface NaiveShipment {
  id: string;
  orderId: string;
  carrier: ShipmentPurchased['carrier'];
  carrierShipmentId: string;
  businessId: string | null;
  marketplaceId: string | null;
  sellerAccount: string;
  labelAmount: string;
  labelCurrency: string;
}

export class NaiveStore {
  readonly pool: Pool;

  constructor(databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 4 });
  }

  async migrate(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS naive_shipment (
        id text PRIMARY KEY, order_id text NOT NULL, carrier text NOT NULL, carrier_shipment_id text NOT NULL,
        business_id text, marketplace_id text, seller_account text NOT NULL, label_amount text NOT NULL,
        label_currency text NOT NULL, status text NOT NULL DEFAULT 'active');
      CREATE INDEX IF NOT EXISTS naive_shipment_order ON naive_shipment (order_id);
      CREATE TABLE IF NOT EXISTS naive_cancellation (
        shipment_id text PRIMARY KEY, order_id text NOT NULL, outcome text NOT NULL, request_id text,
        created_at timestamptz NOT NULL DEFAULT now());`);
  }

  async project(data: ShipmentPurchased): Promise<void> {
    await this.pool.query(
      `INSERT INTO naive_shipment (id, order_id, carrier, carrier_shipment_id, business_id, marketplace_id, seller_account,
                                   label_amount, label_currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        data.shipmentId,
        data.orderId,
        data.carrier,
        data.carrierShipmentId,
        data.businessId ?? null,
        data.marketplaceId ?? null,
        data.sellerAccount,
        data.labelCost.amount,
        data.labelCost.currency,
      ],
    );
  }

  async shipmentsOf(orderId: string): Promise<NaiveShipment[]> {
    const { rows } = await this.pool.query<NaiveShipment>(
      `SELECT id, order_id AS "orderId", carrier, carrier_shipment_id AS "carrierShipmentId", business_id AS "businessId",
              marketplace_id AS "marketplaceId", seller_account AS "sellerAccount", label_amount AS "labelAmount",
              label_currency AS "labelCurrency"
         FROM naive_shipment WHERE order_id = $1 AND status = 'active' ORDER BY id`,
      [orderId],
    );
    return rows;
  }

  async record(shipment: NaiveShipment, outcome: string, requestId: string | null): Promise<void> {
    await this.pool.query(
      `INSERT INTO naive_cancellation (shipment_id, order_id, outcome, request_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (shipment_id) DO UPDATE SET outcome = EXCLUDED.outcome, request_id = EXCLUDED.request_id`,
      [shipment.id, shipment.orderId, outcome, requestId],
    );
    await this.pool.query(`UPDATE naive_shipment SET status = $2 WHERE id = $1`, [shipment.id, outcome]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
