export type {
  AttentionProblem,
  CancelOutcome,
  CancelOutcomeKind,
  CancelRequest,
  CarrierApi,
  CarrierCancelPort,
  LwaCredentials,
  OutcomeBase,
  RejectReason,
  RetryLaterCause,
  ShipmentState,
  ShipmentStatusResult,
  UnknownCause,
} from './port';
export { CARRIER_APIS } from './port';
export type {
  CarrierClientConfig,
  CarrierLogger,
  CarrierResponseInfo,
  EndpointChoice,
  RateLimitSetting,
  RetrySettings,
} from './carrier-client.config';
export { DEFAULT_CANCEL_RATE_LIMITS, DEFAULT_RETRY } from './carrier-client.config';
export { CarrierCancelClient, CarrierCancelError } from './carrier-cancel.client';
export type { MfnShipment, MfnAddress, MfnCurrencyAmount } from './merchant-fulfillment/mfn-shipment.parser';
export { TokenBucket } from './rate-limit/token-bucket';
export { cancelQuota, gcraSpacing } from './rate-limit/rate-budget';
export type {
  AcquireResult,
  BucketKey,
  QuotaReport,
  RateBudget,
  RateBudgetFactory,
  RateBudgetSettings,
  Spacing,
} from './rate-limit/rate-budget';
export { LwaTokenProvider, LwaError, type LwaProblem } from './lwa/lwa-token.provider';
export type { Clock } from './retry/clock';
export type { HttpTransport, HttpRequest, HttpResult } from './http/http.transport';
export { SHIPPING_BUSINESS_REGIONS, findMarketplace } from './amazon-regions';
export { MWS_CANCEL_MARKETPLACES } from './mws/mws-marketplaces';
export { DESCEND, boundedCopy } from './http/bounded-copy';
