import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CarrierApi } from '@oms/events';

export type ShipmentStatus = 'active' | 'cancelling' | 'cancelled' | 'cancel_failed';

/** Our projection of a purchased shipment, fed by ShipmentPurchased. */
@Entity('shipment')
export class ShipmentEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'order_id' }) orderId!: string;
  @Column('text') carrier!: CarrierApi;
  @Column('text', { name: 'carrier_shipment_id' }) carrierShipmentId!: string;
  @Column('text', { name: 'business_id', nullable: true }) businessId!: string | null;
  @Column('text', { name: 'marketplace_id', nullable: true }) marketplaceId!: string | null;
  @Column('text', { name: 'seller_account' }) sellerAccount!: string;
  @Column('text', { name: 'tracking_id', nullable: true }) trackingId!: string | null;
  @Column('text', { name: 'carrier_id', nullable: true }) carrierId!: string | null;
  @Column('numeric', { name: 'label_cost_amount', precision: 14, scale: 4 }) labelCostAmount!: string;
  @Column('char', { name: 'label_cost_currency', length: 3 }) labelCostCurrency!: string;
  @Column('timestamptz', { name: 'purchased_at' }) purchasedAt!: Date;
  @Column('timestamptz', { name: 'cancel_window_ends_at', nullable: true }) cancelWindowEndsAt!: Date | null;
  @Column('text') status!: ShipmentStatus;
  @Column('text', { name: 'source_event_id', nullable: true }) sourceEventId!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
