// The columns of carrier_attempt (see ../table.ts), as the migrations create them: one row per carrier call.
import { Table, col } from '../table';

export interface CarrierAttemptColumns {
  id: string;
  shipmentCancellationId: string;
  attempt: number;
  operation: 'cancel' | 'status';
  outcome: string;
  httpStatus: number | null;
  carrierRequestId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  tries: number;
  elapsedMs: number;
  finishedAt: Date;
}

export const CARRIER_ATTEMPT = new Table<CarrierAttemptColumns>('carrier_attempt', {
  id: col('id', 'bigint'),
  shipmentCancellationId: col('shipment_cancellation_id', 'uuid'),
  attempt: col('attempt', 'int'),
  operation: col('operation', 'text'),
  outcome: col('outcome', 'text'),
  httpStatus: col('http_status', 'int'),
  carrierRequestId: col('carrier_request_id', 'text'),
  errorCode: col('error_code', 'text'),
  errorMessage: col('error_message', 'text'),
  tries: col('tries', 'int'),
  elapsedMs: col('elapsed_ms', 'int'),
  finishedAt: col('finished_at', 'timestamptz'),
});
