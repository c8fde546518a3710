import { context, propagation, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { Config } from '../config/schema.js';
import { UMBRAL_VERSION } from '../version.js';

/** The tracer umbral's spans come from; a no-op until `startTracing` installs an exporter. */
export function tracer(): Tracer {
  return trace.getTracer('umbral', UMBRAL_VERSION);
}

/** Whether spans are being recorded at all (hooks skip their work when not). */
export let tracingEnabled = false;

/** What `startTracing` installed: flush and stop it at shutdown. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Installs OpenTelemetry for the process (off by default): a tracer provider with the configured
 * exporter and ratio sampler that follows a caller's sampling decision, W3C trace-context
 * propagation (incoming `traceparent` continued, outgoing upstream calls carry it), and an async
 * context so that an upstream attempt's span is the child of its request's span. Process-wide, as
 * OpenTelemetry's API is: the first server in a process to start it owns it.
 */
export async function startTracing(settings: Config['tracing']): Promise<Tracing> {
  if (settings.exporter === 'none' || tracingEnabled) return { shutdown: async () => undefined };
  // Imported only when tracing is on: the SDK adds a quarter of a second to every start otherwise.
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { OTLPTraceExporter }, { resourceFromAttributes }, sdk] = await Promise.all([
    import('@opentelemetry/context-async-hooks'), import('@opentelemetry/core'), import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'), import('@opentelemetry/sdk-trace-base'),
  ]);
  const { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk;
  const exporter = settings.exporter === 'otlp' ? new OTLPTraceExporter({ url: settings.otlpUrl }) : new ConsoleSpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.version': UMBRAL_VERSION }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  tracingEnabled = true;
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      tracingEnabled = false;
    },
  };
}

/** Adds the active span's `traceparent` (and `tracestate`) to headers of an outgoing call. */
export function injectTraceContext(headers: Record<string, string>): void {
  if (tracingEnabled) propagation.inject(context.active(), headers);
}

/**
 * Runs `work` with `span` as the active span (a child of `parent`), so that what it calls (an
 * upstream attempt, a client sending `traceparent`) joins the trace; ends the span either way,
 * marked as an error when `work` throws.
 */
export function runInSpan<T>(span: Span, parent: Context, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(parent, span), work).then((value) => {
    span.end();
    return value;
  }, (error: unknown) => {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    span.end();
    throw error;
  });
}
