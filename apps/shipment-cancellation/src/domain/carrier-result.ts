import type { CancelOutcome, ShipmentStatusResult } from '@oms/carrier-cancel';
import type { CancellationRow } from './cancellation';

/** What one worker attempt produced, waiting to be applied to the database. */
export type CarrierResult =
  | { row: CancellationRow; operation: 'cancel'; outcome: CancelOutcome; elapsedMs: number; finishedAt: Date }
  | {
      row: CancellationRow;
      operation: 'status';
      status: ShipmentStatusResult;
      elapsedMs: number;
      finishedAt: Date;
    };
