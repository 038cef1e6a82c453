// The outcome events among what a test collected from Kafka, typed by kind.
import {
  EventTypes,
  type ManualReshipRequired,
  type ShipmentCancellationFailed,
  type ShipmentCancelled,
} from '@oms/events';
import type { Collected } from './kafka';

export const cancelledOf = (collected: Collected[]): ShipmentCancelled[] =>
  collected
    .filter((c) => c.event.type === EventTypes.shipmentCancelled)
    .map((c) => c.event.data as ShipmentCancelled);

export const failedOf = (collected: Collected[]): ShipmentCancellationFailed[] =>
  collected
    .filter((c) => c.event.type === EventTypes.shipmentCancellationFailed)
    .map((c) => c.event.data as ShipmentCancellationFailed);

export const reshipOf = (collected: Collected[]): ManualReshipRequired[] =>
  collected
    .filter((c) => c.event.type === EventTypes.manualReshipRequired)
    .map((c) => c.event.data as ManualReshipRequired);

/** An ISO time `h` hours from now (negative: in the past). */
export const hoursFromNow = (h: number): string => new Date(Date.now() + h * 3_600_000).toISOString();
