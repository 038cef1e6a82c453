import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../config/config';
import {
  SpanKind,
  endSpan,
  startBatchSpan,
  startSpan,
  startTracing,
  stopTracing,
  traceParentFor,
  tracingEnabled,
} from './tracing';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OTHER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

describe('tracing off (the default)', () => {
  it('makes no spans and passes the kept traceparent through unchanged', () => {
    expect(startTracing(loadConfig({}).tracing)).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const span = startSpan('carrier cancel', SpanKind.CLIENT, TP);
    expect(span).toBeUndefined();
    expect(startBatchSpan('ingest', SpanKind.CONSUMER, [TP])).toBeUndefined();
    expect(traceParentFor(span, TP)).toBe(TP);
    expect(traceParentFor(span, null)).toBeNull();
    expect(() => endSpan(span, new Error('x'))).not.toThrow();
  });
});

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    expect(startTracing(loadConfig({}).tracing, undefined, new SimpleSpanProcessor(exporter))).toBe(true);
  });

  afterAll(async () => {
    await stopTracing();
    expect(tracingEnabled()).toBe(false);
  });

  beforeEach(() => exporter.reset());

  it('makes a stage span a child of the kept traceparent, and outputs carry that span', () => {
    const span = startSpan('carrier cancel', SpanKind.CLIENT, TP, { 'oms.carrier': 'amazon-shipping-v2' });
    const written = traceParentFor(span, TP);
    endSpan(span);
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(finished?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(finished?.kind).toBe(SpanKind.CLIENT);
    expect(finished?.resource.attributes['service.name']).toBe('shipment-cancellation');
    expect(written).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${finished?.spanContext().spanId}-01`);
  });

  it('starts a new trace without a valid parent', () => {
    const span = startSpan('admin POST', SpanKind.SERVER, null);
    endSpan(span, new Error('refused'));
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.parentSpanContext).toBeUndefined();
    expect(finished?.status.message).toBe('refused');
  });

  it('links a batch span to the trace of each item', () => {
    endSpan(startBatchSpan('publish outbox', SpanKind.PRODUCER, [TP, null, OTHER]));
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.links.map((l) => l.context.traceId)).toEqual([
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '0af7651916cd43dd8448eb211c80319c',
    ]);
  });
});
