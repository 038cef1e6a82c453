import type { OutcomeFactory } from './cancel-outcome.mapper';
import type {
  CancelOutcome,
  CancelRequest,
  CarrierApi,
  LwaCredentials,
  RejectReason,
  ShipmentStatusResult,
} from './port';
import type { TokenSource } from './retry/amazon-call.runner';

/** Everything one cancel/status call needs beyond the request itself. */
export interface AdapterContext {
  request: CancelRequest;
  credentials: LwaCredentials;
  /** LWA access tokens for these credentials. */
  lwa: TokenSource;
  deadlineAt: number;
  outcomes: OutcomeFactory;
}

/** One Amazon API behind the port. */
export interface CarrierAdapter {
  readonly api: CarrierApi;
  /** Checks made before any request (and before credentials are looked up). */
  precheck(request: CancelRequest): { reason: RejectReason; message: string } | undefined;
  /** Whether status() can answer for this request at all. */
  supportsStatus(request: CancelRequest): boolean;
  cancel(context: AdapterContext): Promise<CancelOutcome>;
  status(context: AdapterContext): Promise<ShipmentStatusResult>;
}
