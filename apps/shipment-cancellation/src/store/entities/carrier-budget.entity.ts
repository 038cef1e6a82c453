import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One carrier quota shared by every instance: a GCRA schedule per (API, operation, seller account). */
@Entity('carrier_budget')
export class CarrierBudgetEntity {
  @PrimaryColumn('text', { name: 'api' }) api!: string;
  @PrimaryColumn('text', { name: 'operation' }) operation!: string;
  @PrimaryColumn('text', { name: 'seller_account' }) sellerAccount!: string;
  @Column('double precision', { name: 'configured_rate' }) configuredRate!: number;
  @Column('double precision', { name: 'rate_per_second' }) ratePerSecond!: number;
  @Column('double precision', { name: 'burst' }) burst!: number;
  @Column('double precision', { name: 'interval_ms' }) intervalMs!: number;
  @Column('double precision', { name: 'tolerance_ms' }) toleranceMs!: number;
  @Column('double precision', { name: 'tat_ms', default: 0 }) tatMs!: number;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
