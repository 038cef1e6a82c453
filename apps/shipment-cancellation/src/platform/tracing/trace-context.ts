// W3C trace context as it travels with a cancellation: read from an input (the CloudEvents distributed-tracing
// extension `traceparent`, else the Kafka header `traceparent`), kept as text in cancellation_request.trace_parent,
// and written on the outputs. Plain string checks: nothing here allocates beyond the header's string.
import type { InboundMessage } from '../kafka/inbound-message';

/** version-traceid-spanid-flags, lowercase hex; version ff and all-zero ids are invalid (W3C Trace Context). */
const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
const TRACEPARENT_LENGTH = 55;
/** W3C bounds tracestate to 32 members; 512 characters is the length propagators must at least carry. */
const TRACESTATE_MAX_LENGTH = 512;

/** The value when it is a valid traceparent, else null. */
export function validTraceParent(value: unknown): string | null {
  return typeof value === 'string' && value.length === TRACEPARENT_LENGTH && TRACEPARENT.test(value)
    ? value
    : null;
}

function header(message: InboundMessage, name: string, maxLength: number): string | null {
  const value = message.headers[name];
  if (value === undefined || value.length === 0 || value.length > maxLength) return null;
  return typeof value === 'string' ? value : value.toString('latin1');
}

/** The input's traceparent: the event's CloudEvents extension attribute, else the Kafka header; null if neither is valid. */
export function traceParentOf(event: object | null, message: InboundMessage | null): string | null {
  const attribute = event ? validTraceParent((event as { traceparent?: unknown }).traceparent) : null;
  if (attribute !== null) return attribute;
  return message ? validTraceParent(header(message, 'traceparent', TRACEPARENT_LENGTH)) : null;
}

/** The tracestate that goes with the traceparent chosen by traceParentOf (vendor data; only spans use it). */
export function traceStateOf(event: object | null, message: InboundMessage | null): string | null {
  const fromEvent = event ? validTraceParent((event as { traceparent?: unknown }).traceparent) : null;
  if (fromEvent !== null) {
    const state = (event as { tracestate?: unknown }).tracestate;
    return typeof state === 'string' && state.length <= TRACESTATE_MAX_LENGTH ? state : null;
  }
  return message ? header(message, 'tracestate', TRACESTATE_MAX_LENGTH) : null;
}

/** The 32 hex digits of the trace id of a valid traceparent. */
export function traceIdOf(traceParent: string): string {
  return traceParent.slice(3, 35);
}
