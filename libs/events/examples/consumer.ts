// An example consumer of @oms/events, written as a service outside this repository writes it: it reads the
// outcome events tolerantly (a later 1.x may add fields) and narrows on the event type. test/package.spec.ts
// installs the packed package in a temporary project, then type-checks and runs this file there.
// eslint-disable-next-line @nx/enforce-module-boundaries -- a consumer imports the package by its name
import {
  EventTypes,
  Topics,
  validateForConsumer,
  type ManualReshipRequiredEvent,
  type ShipmentCancellationFailedEvent,
  type ShipmentCancelledEvent,
} from '@oms/events';

/** The topics this consumer subscribes to. */
export const subscribedTopics: readonly string[] = [
  Topics.shipmentCancelled,
  Topics.shipmentCancellationFailed,
  Topics.manualReshipRequired,
];

const outcomeTypes = [
  EventTypes.shipmentCancelled,
  EventTypes.shipmentCancellationFailed,
  EventTypes.manualReshipRequired,
] as const;

type Outcome = ShipmentCancelledEvent | ShipmentCancellationFailedEvent | ManualReshipRequiredEvent;

/** Reads a Kafka message value: the event, or why it was skipped. */
export function readOutcome(value: Buffer | string): { event: Outcome } | { skipped: string } {
  const result = validateForConsumer(value, outcomeTypes);
  return result.ok ? { event: result.event } : { skipped: `${result.kind}: ${result.message}` };
}

/** One line saying what happened to the order. */
export function describeOutcome(event: Outcome): string {
  switch (event.type) {
    case EventTypes.shipmentCancelled:
      return `order ${event.data.orderId}: shipment ${event.data.shipmentId} ${event.data.outcome}`;
    case EventTypes.shipmentCancellationFailed:
      return `order ${event.data.orderId}: shipment ${event.data.shipmentId} not cancelled (${event.data.reason})`;
    case EventTypes.manualReshipRequired:
      return `order ${event.data.orderId}: ${event.data.shipmentCount} shipments, reship by hand`;
  }
}
