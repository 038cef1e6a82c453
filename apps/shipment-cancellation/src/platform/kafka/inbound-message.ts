import { isUtf8 } from 'node:buffer';

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

/**
 * The Kafka key of an output about the message: its own key where that is short printable UTF-8 (the order
 * id), else its position, so that a hostile key cannot make the output unstorable.
 */
export function outputKeyOf(message: InboundMessage): string {
  const key = message.key;
  if (key && key.length > 0 && key.length <= 256 && isUtf8(key)) {
    const text = key.toString('utf8');
    if (![...text].some((c) => c < ' ' || c === '\u007f')) return text;
  }
  return positionId(message);
}
