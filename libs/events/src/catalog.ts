// The one table that ties each event type to its payload type, schema and name.
import type { CloudEvent } from './envelope';
import { envelopeSchema, eventSchema } from './envelope';
import { DeadLetterRecordSchema, type DeadLetterRecord } from './dead-letter.event';
import { EventTypes, type EventName, type EventType } from './event-types';
import type { JsonSchema } from './json-schema';
import { ManualReshipRequiredSchema, type ManualReshipRequired } from './manual-reship-required.event';
import { OrderCancelledSchema, type OrderCancelled } from './order-cancelled.event';
import {
  ShipmentCancellationFailedSchema,
  type ShipmentCancellationFailed,
} from './shipment-cancellation-failed.event';
import { ShipmentCancelledSchema, type ShipmentCancelled } from './shipment-cancelled.event';
import { ShipmentPurchasedSchema, type ShipmentPurchased } from './shipment-purchased.event';

/** The `data` payload of each event type. */
export interface EventDataMap {
  'oms.order.cancelled': OrderCancelled;
  'oms.shipment.purchased': ShipmentPurchased;
  'oms.shipment.cancelled': ShipmentCancelled;
  'oms.order.manual-reship-required': ManualReshipRequired;
  'oms.shipment.cancellation-failed': ShipmentCancellationFailed;
  'oms.shipment-cancellation.dead-letter': DeadLetterRecord;
}

/** The `data` payload type of event type K. */
export type DataFor<K extends EventType> = EventDataMap[K];

/** The full envelope of event type K (a union of envelopes when K is a union). */
export type EventOf<K extends EventType> = K extends EventType ? CloudEvent<DataFor<K>, K> : never;

/** Any of our events; `type` discriminates. */
export type AnyEvent = EventOf<EventType>;

export type OrderCancelledEvent = EventOf<typeof EventTypes.orderCancelled>;
export type ShipmentPurchasedEvent = EventOf<typeof EventTypes.shipmentPurchased>;
export type ShipmentCancelledEvent = EventOf<typeof EventTypes.shipmentCancelled>;
export type ManualReshipRequiredEvent = EventOf<typeof EventTypes.manualReshipRequired>;
export type ShipmentCancellationFailedEvent = EventOf<typeof EventTypes.shipmentCancellationFailed>;
export type DeadLetterEvent = EventOf<typeof EventTypes.deadLetter>;

// Fails to compile if EventDataMap and EventTypes ever disagree.
const _sameTypes: [EventType, keyof EventDataMap] extends [keyof EventDataMap, EventType] ? true : never =
  true;

/** Plain JSON Schemas (draft-07): one per payload, the generic envelope, and one full envelope per event. */
export const Schemas = {
  CloudEvent: envelopeSchema,
  OrderCancelled: OrderCancelledSchema,
  ShipmentPurchased: ShipmentPurchasedSchema,
  ShipmentCancelled: ShipmentCancelledSchema,
  ManualReshipRequired: ManualReshipRequiredSchema,
  ShipmentCancellationFailed: ShipmentCancellationFailedSchema,
  DeadLetterRecord: DeadLetterRecordSchema,
  OrderCancelledEvent: eventSchema(EventTypes.orderCancelled, OrderCancelledSchema),
  ShipmentPurchasedEvent: eventSchema(EventTypes.shipmentPurchased, ShipmentPurchasedSchema),
  ShipmentCancelledEvent: eventSchema(EventTypes.shipmentCancelled, ShipmentCancelledSchema),
  ManualReshipRequiredEvent: eventSchema(EventTypes.manualReshipRequired, ManualReshipRequiredSchema),
  ShipmentCancellationFailedEvent: eventSchema(
    EventTypes.shipmentCancellationFailed,
    ShipmentCancellationFailedSchema,
  ),
  DeadLetterRecordEvent: eventSchema(EventTypes.deadLetter, DeadLetterRecordSchema),
} as const satisfies Record<string, JsonSchema>;

export type SchemaName = keyof typeof Schemas;

type PayloadName =
  | 'OrderCancelled'
  | 'ShipmentPurchased'
  | 'ShipmentCancelled'
  | 'ManualReshipRequired'
  | 'ShipmentCancellationFailed'
  | 'DeadLetterRecord';

export interface EventEntry {
  name: EventName;
  type: EventType;
  /** The payload's name in `Schemas`, e.g. 'OrderCancelled'. */
  payload: PayloadName;
  /** The full envelope's name in `Schemas`, e.g. 'OrderCancelledEvent'. */
  envelope: `${PayloadName}Event`;
  /** From the service's point of view: inputs are consumed, outputs published. */
  direction: 'input' | 'output';
  summary: string;
}

/** Every event, in documentation order. */
export const catalog: readonly EventEntry[] = [
  entry('orderCancelled', 'OrderCancelled', 'input', 'An order was cancelled on the platform.'),
  entry('shipmentPurchased', 'ShipmentPurchased', 'input', 'A shipping label was bought for an order.'),
  entry('shipmentCancelled', 'ShipmentCancelled', 'output', 'A shipment was voided at the carrier.'),
  entry(
    'manualReshipRequired',
    'ManualReshipRequired',
    'output',
    'An order with several shipments must be reshipped by a person.',
  ),
  entry(
    'shipmentCancellationFailed',
    'ShipmentCancellationFailed',
    'output',
    'The carrier refused to cancel a shipment for good.',
  ),
  entry('deadLetter', 'DeadLetterRecord', 'output', 'An input message that can never be processed.'),
];

function entry(
  name: EventName,
  payload: PayloadName,
  direction: EventEntry['direction'],
  summary: string,
): EventEntry {
  return { name, type: EventTypes[name], payload, envelope: `${payload}Event`, direction, summary };
}

/** The payload schema of each event type. */
export const dataSchemaByType: Readonly<Record<EventType, JsonSchema>> = Object.fromEntries(
  catalog.map((e) => [e.type, Schemas[e.payload]]),
) as Record<EventType, JsonSchema>;
