import type { RateBudgetFactory } from './rate-limit/rate-budget';
import type { MfnShipment } from './merchant-fulfillment/mfn-shipment.parser';

/** The Amazon APIs a shipment can be cancelled through. */
export type CarrierApi = 'amazon-shipping-v2' | 'amazon-mfn-mws' | 'amazon-mfn-v0';

/** Every API the client routes to, in a stable order. */
export const CARRIER_APIS: readonly CarrierApi[] = ['amazon-shipping-v2', 'amazon-mfn-mws', 'amazon-mfn-v0'];

/** One shipment to cancel (or to read the status of). */
export interface CancelRequest {
  api: CarrierApi;
  carrierShipmentId: string;
  /** Key into the credentials provider. */
  sellerAccount: string;
  /** Shipping v2: 'AmazonShipping_US' etc. (required for v2). */
  businessId?: string;
  /** Merchant Fulfillment: marketplace id or two-letter code (required for MWS and v0). */
  marketplaceId?: string;
  /** Shipping v2 status() via getTracking needs both. */
  trackingId?: string;
  carrierId?: string;
  /** Overall budget for this call including retries and waits for rate-limit tokens. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /**
   * Told true once a request of this call is written and its answer awaited, false once the answer came (or the
   * attempt ended): a caller bounding the calls it works on at once may leave out those waiting on Amazon.
   */
  awaitingCarrier?: (waiting: boolean) => void;
  /** Fields the caller wants on every log line of this call (its own ids, a trace id); never secrets. */
  logContext?: Readonly<Record<string, string>>;
}

export type RejectReason =
  'window_expired' | 'not_cancellable' | 'not_found' | 'unsupported_marketplace' | 'invalid_request';

export interface OutcomeBase {
  api: CarrierApi;
  carrierShipmentId: string;
  /** x-amzn-RequestId or ResponseMetadata.RequestId of the last cancel response. */
  requestId?: string;
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
  errorDetails?: string;
  /** HTTP calls made to the cancel operation (token and status calls not counted). */
  attempts: number;
  elapsedMs: number;
  /** Merchant Fulfillment (MWS, v0): the shipment as the carrier returned it. */
  shipment?: MfnShipment;
  /** Set when a 400 was interpreted by reading the shipment's status afterwards. */
  confirmedBy?: 'getTracking' | 'getShipment';
}

export type UnknownCause = 'timeout' | 'connection_lost' | 'server_error' | 'malformed_response';
export type RetryLaterCause = 'throttled' | 'unavailable' | 'deadline';
export type AttentionProblem =
  'invalid_grant' | 'invalid_client' | 'access_denied' | 'unauthorized' | 'missing_credentials';

/** What happened to one cancel call; `unknown` means the caller must reconcile. */
export type CancelOutcome =
  | (OutcomeBase & { kind: 'voided'; shipmentStatus?: string })
  | (OutcomeBase & { kind: 'refund_pending'; shipmentStatus?: string })
  | (OutcomeBase & { kind: 'already_cancelled'; shipmentStatus?: string })
  | (OutcomeBase & { kind: 'rejected'; reason: RejectReason })
  | (OutcomeBase & { kind: 'unknown'; cause: UnknownCause })
  // Amazon certainly did NOT act (429/503/connection refused) and the deadline ran out: safe to try again later.
  | (OutcomeBase & { kind: 'retry_later'; retryAfterMs: number; cause: RetryLaterCause })
  // A person must fix credentials or roles; never retried in a loop.
  | (OutcomeBase & { kind: 'needs_attention'; problem: AttentionProblem });

export type CancelOutcomeKind = CancelOutcome['kind'];

export type ShipmentState =
  | 'active'
  | 'cancelled'
  | 'refund_pending'
  | 'refund_applied'
  | 'refund_rejected'
  | 'in_transit'
  | 'delivered'
  | 'other';

/** A shipment's state as the carrier reports it, for reconciliation. */
export type ShipmentStatusResult =
  | { kind: 'found'; state: ShipmentState; rawStatus: string; requestId?: string }
  | { kind: 'not_found'; requestId?: string }
  // e.g. the MWS bridge has no status operation, or v2 without trackingId/carrierId
  | { kind: 'unsupported' }
  | { kind: 'error'; message: string; httpStatus?: number; requestId?: string };

/** The one port the service codes against. */
export interface CarrierCancelPort {
  cancel(request: CancelRequest): Promise<CancelOutcome>;
  status(request: CancelRequest): Promise<ShipmentStatusResult>;
  /** ms until the bucket for this request's (api, 'cancel', sellerAccount) has a token; 0 = now */
  nextTokenInMs(request: Pick<CancelRequest, 'api' | 'sellerAccount'>): number;
  /** Takes every token from a budget shared with other clients of the same quotas (see RateBudget). */
  useRateBudget?(factory: RateBudgetFactory): void;
}

/** Login with Amazon credentials of one selling partner authorisation. */
export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}
