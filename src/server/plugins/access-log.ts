import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { Metrics } from '../../observability/metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the data plane served this request with, for the access log. */
    served: { model: string; version?: string; batchSize?: number; fallbackFor?: string; cache?: 'hit' | 'miss' | 'stale'; variant?: string } | null;
    /**
     * Time this request spent in backends (model runs, upstream calls), for `x-umbral-overhead-ms`;
     * set by the routes that call one (null for the others: no hook per request to make it).
     */
    timing: { backendMs: number } | null;
  }
}

/**
 * One log line and one histogram observation per request, and the count of requests in flight
 * (from onRequest to the response's 'close', which comes once, answered or cut): request id, method, route, status,
 * latency, the caller's key id or username, and for inference the model, version, batch size and
 * cache outcome. Never bodies or headers. Every response carries `x-request-id` and
 * `x-umbral-overhead-ms`; a cached model's answers carry `x-umbral-cache: hit|miss`, a split model's
 * `x-umbral-variant` (docs/guides/traffic.md).
 */
export function registerAccessLog(app: FastifyInstance, metrics: Metrics): void {
  app.decorateRequest('served', null);
  app.decorateRequest('timing', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // umbral's own share of the latency so far: everything but the model runs and upstream calls.
    reply.header('x-umbral-overhead-ms', Math.max(0, reply.elapsedTime - (request.timing?.backendMs ?? 0)).toFixed(2));
    if (request.served?.fallbackFor) reply.header('x-umbral-fallback', `${request.served.model}:${request.served.version ?? ''}`);
    if (request.served?.cache) reply.header('x-umbral-cache', request.served.cache);
    if (request.served?.variant) reply.header('x-umbral-variant', request.served.variant);
  });
  // A client that leaves before its answer is written: no 'finish', so fastify runs no onResponse.
  // Its line is written when the connection closes, as 499 (nginx's "client closed request").
  app.addHook('onRequest', (request, reply, done) => {
    metrics.httpRequestsInFlight.inc();
    reply.raw.once('close', () => {
      metrics.httpRequestsInFlight.dec();
      if (!reply.raw.writableFinished) logRequest(request, reply, Errors.cancelled.status, Errors.cancelled.code);
    });
    done();
  });
  app.addHook('onResponse', async (request, reply) => {
    // A response that failed to write ('error', not 'finish') is the close listener's to log.
    if (reply.raw.writableFinished) logRequest(request, reply, reply.statusCode);
  });

  function logRequest(request: FastifyRequest, reply: FastifyReply, status: number, code?: string): void {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequestDuration.observe({ route, method: request.method, status: String(status) }, seconds);
    request.log.info({
      method: request.method, route, status, ...(code ? { code } : {}), latencyMs: Math.round(reply.elapsedTime * 100) / 100,
      ...request.served,
      // Who called (`key:<id>`, `user:<name>`), never the credential itself.
      ...(request.principal ? { principal: request.principal.actor } : {}),
    }, 'request');
  }
}
