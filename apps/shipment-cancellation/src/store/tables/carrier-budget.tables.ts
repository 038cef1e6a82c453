// The columns of the shared carrier budget (see ../table.ts), as the migrations create it.
import { Table, col } from '../table';

export interface CarrierBudgetColumns {
  api: string;
  operation: string;
  sellerAccount: string;
  /** The rate the configuration allows. */
  configuredRate: number;
  /** The rate in use: the configured one, or lower when Amazon reported less. */
  ratePerSecond: number;
  burst: number;
  /** GCRA spacing of tokens, from the rate in use, the burst and the margin (`gcraSpacing`). */
  intervalMs: number;
  toleranceMs: number;
  /** The theoretical arrival time: the next token is free at `tatMs - toleranceMs` (epoch ms, Postgres's clock). */
  tatMs: number;
  updatedAt: Date;
}

export const CARRIER_BUDGET = new Table<CarrierBudgetColumns>('carrier_budget', {
  api: col('api', 'text'),
  operation: col('operation', 'text'),
  sellerAccount: col('seller_account', 'text'),
  configuredRate: col('configured_rate', 'float8'),
  ratePerSecond: col('rate_per_second', 'float8'),
  burst: col('burst', 'float8'),
  intervalMs: col('interval_ms', 'float8'),
  toleranceMs: col('tolerance_ms', 'float8'),
  tatMs: col('tat_ms', 'float8'),
  updatedAt: col('updated_at', 'timestamptz'),
});
