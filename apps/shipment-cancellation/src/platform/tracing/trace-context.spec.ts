import type { InboundMessage } from '../kafka/inbound-message';
import { traceIdOf, traceParentOf, traceStateOf, validTraceParent } from './trace-context';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OTHER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

function message(headers: InboundMessage['headers'] = {}): InboundMessage {
  return { topic: 't', partition: 0, offset: '1', key: null, value: null, headers, timestamp: '0' };
}

describe('validTraceParent', () => {
  it('accepts a W3C traceparent', () => {
    expect(validTraceParent(TP)).toBe(TP);
    expect(validTraceParent(OTHER)).toBe(OTHER);
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['upper case', TP.toUpperCase()],
    ['version ff', `ff${TP.slice(2)}`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['all-zero span id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['too long', `${TP}-extra`],
    ['wrong separators', TP.replace(/-/g, '_')],
    ['a newline', `${TP.slice(0, 54)}\n`],
  ])('refuses %s', (_name, value) => {
    expect(validTraceParent(value)).toBeNull();
  });
});

describe('traceParentOf', () => {
  it('prefers the CloudEvents extension attribute over the Kafka header', () => {
    expect(traceParentOf({ traceparent: TP }, message({ traceparent: Buffer.from(OTHER) }))).toBe(TP);
  });

  it('falls back to the Kafka header, as bytes or as a string', () => {
    expect(traceParentOf({}, message({ traceparent: Buffer.from(OTHER) }))).toBe(OTHER);
    expect(traceParentOf({}, message({ traceparent: OTHER }))).toBe(OTHER);
    expect(traceParentOf({ traceparent: 'garbage' }, message({ traceparent: OTHER }))).toBe(OTHER);
  });

  it('is null when neither carries a valid one', () => {
    expect(traceParentOf({}, message())).toBeNull();
    expect(traceParentOf({ traceparent: 7 }, message({ traceparent: Buffer.from('nope') }))).toBeNull();
    expect(traceParentOf(null, message({ traceparent: Buffer.alloc(1024, 0x61) }))).toBeNull();
    expect(traceParentOf(null, null)).toBeNull();
  });
});

describe('traceStateOf', () => {
  it('goes with the traceparent it belongs to', () => {
    const headers = { traceparent: Buffer.from(OTHER), tracestate: Buffer.from('k=header') };
    expect(traceStateOf({ traceparent: TP, tracestate: 'k=event' }, message(headers))).toBe('k=event');
    expect(traceStateOf({ tracestate: 'k=event' }, message(headers))).toBe('k=header');
    expect(traceStateOf({}, message())).toBeNull();
  });
});

describe('traceIdOf', () => {
  it('is the 32 hex digits of the trace id', () => {
    expect(traceIdOf(TP)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
