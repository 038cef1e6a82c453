// OpenTelemetry spans for the stages of a cancellation: ingest, carrier call, apply, relay publish, admin request.
// Off by default: then no tracer exists, every helper returns at its first test, and no span object is made;
// the trace context still travels from input to outputs as a string (see trace-context.ts). With the OTLP
// exporter on, each stage's span is a child of the input's traceparent kept with the cancellation, so the
// carrier call and the outcome events hours later, after restarts, join the trace of the input.
import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../config/config';

export { SpanKind };
export type { Span };

let provider: BasicTracerProvider | null = null;
let tracer: Tracer | null = null;
const propagator = new W3CTraceContextPropagator();

interface Carrier {
  traceparent: string | null;
  tracestate?: string | null;
}

const getter: TextMapGetter<Carrier> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (carrier, key) =>
    (key === 'traceparent' ? carrier.traceparent : key === 'tracestate' ? carrier.tracestate : null) ??
    undefined,
};

/** True when spans are recorded and exported. */
export function tracingEnabled(): boolean {
  return tracer !== null;
}

/**
 * Starts the tracer provider when the config asks for an exporter (or one is given, as tests do); returns
 * whether tracing is on. Idempotent.
 */
export function startTracing(
  config: TracingConfig,
  exporter?: SpanExporter,
  processor?: SpanProcessor,
): boolean {
  if (tracer) return true;
  if (config.exporter === 'none' && !exporter && !processor) return false;
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [
      processor ?? new BatchSpanProcessor(exporter ?? new OTLPTraceExporter({ url: config.url })),
    ],
  });
  tracer = provider.getTracer('shipment-cancellation');
  return true;
}

/** Flushes what is left and stops recording. */
export async function stopTracing(): Promise<void> {
  const current = provider;
  provider = null;
  tracer = null;
  await current?.shutdown();
}

/** The context whose remote parent is the traceparent (the root context without a valid one). */
export function contextOf(traceParent: string | null, traceState?: string | null): Context {
  if (traceParent === null) return ROOT_CONTEXT;
  return propagator.extract(
    ROOT_CONTEXT,
    { traceparent: traceParent, tracestate: traceState ?? null },
    getter,
  );
}

/** A span that is a child of the traceparent; undefined when tracing is off. */
export function startSpan(
  name: string,
  kind: SpanKind,
  traceParent: string | null,
  attributes?: Attributes,
  traceState?: string | null,
): Span | undefined {
  if (!tracer) return undefined;
  return tracer.startSpan(
    name,
    { kind, ...(attributes ? { attributes } : {}) },
    contextOf(traceParent, traceState),
  );
}

/** A span for a batch, linked to the trace of each of its items; undefined when tracing is off. */
export function startBatchSpan(
  name: string,
  kind: SpanKind,
  traceParents: Iterable<string | null>,
  attributes?: Attributes,
): Span | undefined {
  if (!tracer) return undefined;
  const span = tracer.startSpan(name, { kind, ...(attributes ? { attributes } : {}) }, ROOT_CONTEXT);
  linkTo(span, traceParents);
  return span;
}

/** Links the span to the traces of the traceparents (no-op for an undefined span). */
export function linkTo(span: Span | undefined, traceParents: Iterable<string | null>): void {
  if (!span) return;
  const links: Link[] = [];
  for (const traceParent of traceParents) {
    if (traceParent === null) continue;
    const context = trace.getSpanContext(contextOf(traceParent));
    if (context) links.push({ context });
  }
  if (links.length > 0) span.addLinks(links);
}

/** Ends the span, marked as an error when given one. */
export function endSpan(span: Span | undefined, error?: unknown): void {
  if (!span) return;
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }
  span.end();
}

/**
 * The traceparent an output carries: the span that made it when tracing is on, else the one kept with the
 * cancellation, unchanged (same trace id either way).
 */
export function traceParentFor(span: Span | undefined, kept: string | null): string | null {
  if (!span) return kept;
  const context = span.spanContext();
  const flags = context.traceFlags & 0xff;
  return `00-${context.traceId}-${context.spanId}-${flags < 16 ? '0' : ''}${flags.toString(16)}`;
}
