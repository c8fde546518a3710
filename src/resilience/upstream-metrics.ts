import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { UpstreamObserver } from './upstream-observer.js';

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The remote backends' metrics on `registry`: attempts by outcome and their duration per server,
 * retries and retries the budget refused, breaker state (0 closed, 1 half-open, 2 open) and health.
 */
export function upstreamMetrics(registry: Registry): UpstreamObserver {
  const registers = [registry];
  const attempts = new Counter({
    name: 'umbral_upstream_attempts_total', help: 'Attempts sent to upstream servers, by outcome (ok, connect, timeout, protocol, status_<code>, circuit_open, cancelled, error).',
    labelNames: ['upstream', 'server', 'outcome'] as const, registers,
  });
  const duration = new Histogram({
    name: 'umbral_upstream_attempt_duration_seconds', help: 'Duration of one attempt against one upstream server.',
    labelNames: ['upstream', 'server'] as const, buckets: BUCKETS, registers,
  });
  const retries = new Counter({ name: 'umbral_upstream_retries_total', help: 'Retries sent after a retryable failure.', labelNames: ['upstream'] as const, registers });
  const exhausted = new Counter({
    name: 'umbral_upstream_retry_budget_exhausted_total', help: 'Retries not sent because the retry budget was spent.', labelNames: ['upstream'] as const, registers,
  });
  const breaker = new Gauge({
    name: 'umbral_upstream_breaker_state', help: 'Circuit breaker of each upstream server: 0 closed, 1 half-open, 2 open.',
    labelNames: ['upstream', 'server'] as const, aggregator: 'max', registers,
  });
  const healthy = new Gauge({
    name: 'umbral_upstream_server_healthy', help: 'Last health check of each upstream server: 1 passed, 0 failed.', labelNames: ['upstream', 'server'] as const, aggregator: 'min', registers,
  });
  return {
    attempt(upstream, server, outcome, seconds) {
      attempts.inc({ upstream, server, outcome });
      duration.observe({ upstream, server }, seconds);
    },
    retry: (upstream) => retries.inc({ upstream }),
    budgetExhausted: (upstream) => exhausted.inc({ upstream }),
    breakerState: (upstream, server, state) => breaker.set({ upstream, server }, BREAKER_VALUE[state]),
    health: (upstream, server, up) => healthy.set({ upstream, server }, up ? 1 : 0),
  };
}
