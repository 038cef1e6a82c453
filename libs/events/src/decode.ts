import {
  catalog,
  dataSchemaByType,
  type AnyEvent,
  type EventOf,
  type OrderCancelledEvent,
  type ShipmentPurchasedEvent,
} from './catalog';
import { envelopeSchema } from './envelope';
import { EventTypes, isEventType, type EventType } from './event-types';
import {
  compile,
  describeIssues,
  type DecodeErrorKind,
  type ValidationIssue,
  type Validator,
} from './validation';

/** A message that could not be decoded; `kind` decides where it goes (all of them: the dead-letter topic). */
export interface DecodeFailure {
  ok: false;
  kind: DecodeErrorKind;
  /** All issues in one line: 'data/orderId: must be a non-empty string; …'. */
  message: string;
  issues: ValidationIssue[];
}

export type DecodeResult<E = AnyEvent> = { ok: true; event: E } | DecodeFailure;

/** Thrown by `validateEvent` when an event we are about to publish breaks its schema. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';

  constructor(
    readonly kind: DecodeErrorKind,
    readonly issues: ValidationIssue[],
    message: string,
  ) {
    super(message);
  }
}

// Compiled once at module load: decoding runs per Kafka message.
const validateEnvelope: Validator = compile(envelopeSchema);
const validateData = Object.fromEntries(
  catalog.map((entry) => [entry.type, compile(dataSchemaByType[entry.type], '/data')]),
) as Record<EventType, Validator>;

// Invalid UTF-8 must not be silently replaced by U+FFFD: such a message is not JSON text.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a Kafka message value (Buffer or string) or an already-parsed object.
 * With `expectedType`, an event of another (known) type is reported as `unknown_type`.
 */
export function decodeEvent<K extends EventType>(
  raw: unknown,
  expectedType: K | readonly K[],
): DecodeResult<EventOf<K>>;
export function decodeEvent(raw: unknown, expectedType?: EventType | readonly EventType[]): DecodeResult;
export function decodeEvent(raw: unknown, expectedType?: EventType | readonly EventType[]): DecodeResult {
  const parsed = parseMessage(raw);
  if (!parsed.ok) return parsed;
  return check(parsed.value, expectedType);
}

/** Decodes an OrderCancelled message. */
export function decodeOrderCancelled(raw: unknown): DecodeResult<OrderCancelledEvent> {
  return decodeEvent(raw, EventTypes.orderCancelled);
}

/** Decodes a ShipmentPurchased message. */
export function decodeShipmentPurchased(raw: unknown): DecodeResult<ShipmentPurchasedEvent> {
  return decodeEvent(raw, EventTypes.shipmentPurchased);
}

/** Checks an event before it is published; throws `EventValidationError` listing every issue. */
export function validateEvent<E>(event: E): E {
  const result = check(event);
  if (!result.ok) {
    const type = isEventType((event as { type?: unknown } | null)?.type)
      ? (event as { type: string }).type
      : 'event';
    throw new EventValidationError(result.kind, result.issues, `Invalid ${type}: ${result.message}`);
  }
  return event;
}

/** Parses a Kafka message value (Buffer or UTF-8 string) as JSON; any other value is taken as parsed. */
export function parseMessage(raw: unknown): { ok: true; value: unknown } | DecodeFailure {
  if (raw === null || raw === undefined)
    return failure('not_json', [{ path: '', message: 'message has no value' }]);
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) return { ok: true, value: raw };
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    return failure('not_json', [{ path: '', message: 'is not valid UTF-8' }]);
  }
  if (text.trim() === '') return failure('not_json', [{ path: '', message: 'is empty' }]);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return failure('not_json', [{ path: '', message: `is not JSON (${(error as Error).message})` }]);
  }
}

function check(value: unknown, expectedType?: EventType | readonly EventType[]): DecodeResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return failure('invalid_envelope', [{ path: '', message: 'must be a JSON object (a CloudEvent)' }]);
  }
  const envelopeIssues = validateEnvelope(value);
  if (envelopeIssues.length > 0) return failure('invalid_envelope', envelopeIssues);
  const type = (value as { type: string }).type;
  if (!isEventType(type)) {
    return failure('unknown_type', [{ path: '/type', message: `is not a known event type: ${type}` }]);
  }
  if (expectedType !== undefined) {
    const expected: readonly EventType[] = typeof expectedType === 'string' ? [expectedType] : expectedType;
    if (!expected.includes(type)) {
      return failure('unknown_type', [
        { path: '/type', message: `must be ${expected.join(' or ')}, got ${type}` },
      ]);
    }
  }
  const dataIssues = validateData[type]((value as { data: unknown }).data);
  if (dataIssues.length > 0) return failure('schema_invalid', dataIssues);
  return { ok: true, event: value as AnyEvent };
}

function failure(kind: DecodeErrorKind, issues: ValidationIssue[]): DecodeFailure {
  return { ok: false, kind, message: describeIssues(issues), issues };
}
