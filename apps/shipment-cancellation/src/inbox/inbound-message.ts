/** A Kafka record as the consumers see it, independent of the client library. */
export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | undefined>;
  /** Broker timestamp, ms since the epoch, as a string (as Kafka clients give it). */
  timestamp: string;
}

/** The inbox key of a message too broken to carry an event id: where it sits in Kafka never changes. */
export function positionId(message: InboundMessage): string {
  return `${message.topic}/${message.partition}/${message.offset}`;
}
