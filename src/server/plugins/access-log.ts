import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the data plane served this request with, for the access log. */
    served: { model: string; version?: string; batchSize?: number } | null;
  }
}

/**
 * One log line and one histogram observation per request: request id, method, route, status,
 * latency, the caller's key id or username, and for inference the model, version and batch size.
 * Never bodies or headers.
 */
export function registerAccessLog(app: FastifyInstance, metrics: Metrics): void {
  app.decorateRequest('served', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequestDuration.observe({ route, method: request.method, status: String(reply.statusCode) }, seconds);
    request.log.info({
      method: request.method, route, status: reply.statusCode, latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      ...request.served,
      // Who called (`key:<id>`, `user:<name>`), never the credential itself.
      ...(request.principal ? { principal: request.principal.actor } : {}),
    }, 'request');
  });
}
