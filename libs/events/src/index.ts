export { Topics, type TopicName } from './topics';
export { EventTypes, TopicForType, isEventType, type EventName, type EventType } from './event-types';
export { createEvent, encodeEvent, type CloudEvent, type CreateEventOptions } from './envelope';
export {
  Schemas,
  type AnyEvent,
  type DataFor,
  type EventDataMap,
  type EventOf,
  type SchemaName,
  type OrderCancelledEvent,
  type ShipmentPurchasedEvent,
  type ShipmentCancelledEvent,
  type ManualReshipRequiredEvent,
  type ShipmentCancellationFailedEvent,
  type DeadLetterEvent,
} from './catalog';
export {
  decodeEvent,
  decodeOrderCancelled,
  decodeShipmentPurchased,
  validateEvent,
  EventValidationError,
  type DecodeFailure,
  type DecodeResult,
} from './decode';
export {
  ConsumerSchemas,
  consumerSchema,
  createConsumerValidator,
  validateForConsumer,
  type ConsumerValidator,
} from './consumer';
export type { DecodeErrorKind, ValidationIssue } from './validation';
export type { JsonSchema } from './json-schema';
export { amountInCurrency, CURRENCY_DECIMALS } from './money';
export type { Money, LabelRefund, LabelRefundStatus, Refund, RefundSource, RefundStatus } from './money';
export type { CarrierApi, CarrierExchange } from './carrier';
export type {
  CancelTrigger,
  CancelledOutcome,
  FailureReason,
  OutputBase,
  ShipmentOutcomeFields,
} from './cancellation';
export type { OrderCancelled } from './order-cancelled.event';
export type { ShipmentPurchased } from './shipment-purchased.event';
export type { ShipmentCancelled } from './shipment-cancelled.event';
export type {
  ManualReshipRequired,
  ReshipShipment,
  ReshipShipmentOutcome,
} from './manual-reship-required.event';
export type { ShipmentCancellationFailed } from './shipment-cancellation-failed.event';
export {
  createDeadLetterRecord,
  safeText,
  DEAD_LETTER_RECORD_BUDGET,
  type DeadLetterErrorKind,
  type DeadLetterMessage,
  type DeadLetterPayload,
  type DeadLetterReason,
  type DeadLetterRecord,
  type DeadLetterSource,
} from './dead-letter.event';
export { Examples } from './examples';
export { asyncApiDocument } from './asyncapi';
