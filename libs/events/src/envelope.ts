import { randomUUID } from 'node:crypto';
import type { DataFor } from './catalog';
import type { EventType } from './event-types';
import {
  boundedDateTime,
  described,
  identifier,
  maxIdLength,
  nonEmptyString,
  uuid,
  withoutControlCharacters,
  type JsonSchema,
} from './json-schema';

/** A CloudEvents 1.0 event in structured JSON mode: the whole Kafka message value. */
export interface CloudEvent<T, K extends EventType = EventType> {
  specversion: '1.0';
  /** UUID; stable across re-sends of the same event. */
  id: string;
  /** URI-reference of the producer, e.g. '/oms/shipment-cancellation'. */
  source: string;
  type: K;
  /** RFC 3339. */
  time: string;
  datacontenttype: 'application/json';
  /** The order id. */
  subject?: string;
  dataschema?: string;
  data: T;
}

const envelopeProperties = {
  specversion: { type: 'string', const: '1.0' },
  id: described('UUID, unique per event and stable when the event is re-sent.', uuid),
  source: described("URI-reference of the producer, e.g. '/oms/shipment-cancellation'.", {
    type: 'string',
    minLength: 1,
    // Stored as the actor of a cancellation when the payload names no one. The format has no control characters.
    maxLength: maxIdLength,
    format: 'uri-reference',
  }),
  type: identifier,
  time: boundedDateTime,
  datacontenttype: { type: 'string', const: 'application/json' },
  // Not stored, so not bounded: a dead letter's subject is the original message's key, whatever it holds.
  subject: described('The order id.', nonEmptyString),
  dataschema: { type: 'string', format: 'uri' },
  correlationid: described(
    'CloudEvents extension: the correlation id of the flow; the event id starts a new flow when it is absent or empty.',
    withoutControlCharacters({ maxLength: maxIdLength }),
  ),
  data: { type: 'object' },
};

const envelopeRequired = ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data'];

/** The CloudEvents envelope with any `data` object. Open: CloudEvents extension attributes are allowed. */
export const envelopeSchema: JsonSchema = {
  title: 'CloudEvent',
  description: 'CloudEvents 1.0, structured JSON mode.',
  type: 'object',
  required: envelopeRequired,
  properties: envelopeProperties,
};

/** The envelope of one event type, with its payload schema embedded as `data`. */
export function eventSchema(type: EventType, data: JsonSchema): JsonSchema {
  return {
    title: `${String(data['title'])} event`,
    description: `CloudEvents 1.0 envelope (structured JSON mode) of ${type}. ${String(data['description'])}`,
    type: 'object',
    required: envelopeRequired,
    properties: { ...envelopeProperties, type: { type: 'string', const: type }, data },
  };
}

export interface CreateEventOptions {
  /** URI-reference of the producer, e.g. '/oms/shipment-cancellation'. */
  source: string;
  /** Defaults to a new random UUID; pass a stored one to re-send the same event. */
  id?: string;
  /** Defaults to now. */
  time?: Date | string;
  /** Defaults to `data.orderId` when the payload has one. */
  subject?: string;
  dataschema?: string;
}

/** Wraps a payload in a CloudEvents envelope (does not validate: see `validateEvent`). */
export function createEvent<K extends EventType>(
  type: K,
  data: DataFor<K>,
  opts: CreateEventOptions,
): CloudEvent<DataFor<K>, K> {
  const time = opts.time ?? new Date();
  const orderId = (data as { orderId?: unknown }).orderId;
  const subject = opts.subject ?? (typeof orderId === 'string' ? orderId : undefined);
  return {
    specversion: '1.0',
    id: opts.id ?? randomUUID(),
    source: opts.source,
    type,
    time: typeof time === 'string' ? time : time.toISOString(),
    datacontenttype: 'application/json',
    ...(subject !== undefined && { subject }),
    ...(opts.dataschema !== undefined && { dataschema: opts.dataschema }),
    data,
  };
}

/** The Kafka message value of an event: UTF-8 JSON. */
export function encodeEvent(event: CloudEvent<unknown>): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}
