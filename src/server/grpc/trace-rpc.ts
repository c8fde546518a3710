import { context, propagation, SpanKind } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import { runInSpan, tracer, tracingEnabled } from '../../observability/tracing.js';

/**
 * Runs an RPC's work inside a server span (`grpc ModelInfer`) when tracing is on, continuing the
 * caller's `traceparent` from the call metadata, so that upstream attempts are its children.
 */
export function traceRpc<T>(method: string, metadata: Metadata, requestId: string, work: () => Promise<T>): Promise<T> {
  if (!tracingEnabled) return work();
  const carrier = Object.fromEntries(Object.entries(metadata.getMap()).map(([key, value]) => [key, String(value)]));
  const parent = propagation.extract(context.active(), carrier);
  const span = tracer().startSpan(`grpc ${method}`, {
    kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.method': method, 'umbral.request_id': requestId },
  }, parent);
  return runInSpan(span, parent, work);
}
