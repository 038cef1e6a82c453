import { Topics } from './topics';

/** CloudEvents `type` of each event. */
export const EventTypes = {
  orderCancelled: 'oms.order.cancelled',
  shipmentPurchased: 'oms.shipment.purchased',
  shipmentCancelled: 'oms.shipment.cancelled',
  manualReshipRequired: 'oms.order.manual-reship-required',
  shipmentCancellationFailed: 'oms.shipment.cancellation-failed',
  deadLetter: 'oms.shipment-cancellation.dead-letter',
} as const;

export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

/** The key of an event type in `EventTypes`, `Topics` and `Examples`, e.g. 'orderCancelled'. */
export type EventName = keyof typeof EventTypes;

/** Default topic of each event type. */
export const TopicForType = {
  [EventTypes.orderCancelled]: Topics.orderCancelled,
  [EventTypes.shipmentPurchased]: Topics.shipmentPurchased,
  [EventTypes.shipmentCancelled]: Topics.shipmentCancelled,
  [EventTypes.manualReshipRequired]: Topics.manualReshipRequired,
  [EventTypes.shipmentCancellationFailed]: Topics.shipmentCancellationFailed,
  [EventTypes.deadLetter]: Topics.deadLetter,
} as const satisfies Record<EventType, string>;

const knownTypes: ReadonlySet<string> = new Set(Object.values(EventTypes));

/** True when `type` is one of our event types. */
export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && knownTypes.has(type);
}
