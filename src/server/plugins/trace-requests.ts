import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { tracer } from '../../observability/tracing.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span, while tracing is on. */
    span: Span | null;
  }
}

/**
 * A server span per HTTP request (`POST /v2/models/:model/infer`), continuing the caller's W3C
 * `traceparent` when there is one. The rest of the request runs inside the span's context, so the
 * spans of its upstream attempts are its children and carry the trace upstream. Registered only
 * when tracing is on: off, it costs nothing.
 */
export function registerRequestTracing(app: FastifyInstance): void {
  app.decorateRequest('span', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer().startSpan(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'url.path': request.url.split('?')[0], 'umbral.request_id': request.id },
    }, parent);
    request.span = span;
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = request.span;
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (request.served) span.setAttributes({ 'umbral.model': request.served.model, 'umbral.version': request.served.version ?? '' });
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
