import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ShadowRequest } from '../../inference/shadow-observer.js';
import type { Comparison } from './compare-answers.js';
import type { ShadowOutcome, ShadowOutcomes } from './shadow-outcomes.js';

/** The shadow runner's outcomes as metrics, and its queue read at each scrape. */
export interface ShadowMetrics extends ShadowOutcomes {
  watch(queueDepth: () => number): void;
}

const DIFFERENCE_BUCKETS = [0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 100];
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Registers umbral_shadow_requests_total{model,target,outcome}, umbral_shadow_output_difference{model,target},
 * umbral_shadow_latency_seconds{model,target,role} and umbral_shadow_queue_depth on `registry`
 * (`target` is the target version).
 */
export function registerShadowMetrics(registry: Registry): ShadowMetrics {
  let queueDepth = () => 0;
  const requests = new Counter({
    name: 'umbral_shadow_requests_total',
    help: 'Requests mirrored to a shadow target version by outcome: agreed or disagreed with the client\'s answer, failed, or dropped (queue full).',
    labelNames: ['model', 'target', 'outcome'] as const, registers: [registry],
  });
  const difference = new Histogram({
    name: 'umbral_shadow_output_difference',
    help: 'Mean absolute difference between the numeric outputs of a shadow answer and the client\'s, per mirrored request.',
    labelNames: ['model', 'target'] as const, buckets: DIFFERENCE_BUCKETS, registers: [registry],
  });
  const latency = new Histogram({
    name: 'umbral_shadow_latency_seconds',
    help: 'Latency of mirrored requests: role primary is the client\'s request in the data plane, role shadow the target\'s answer to the copy.',
    labelNames: ['model', 'target', 'role'] as const, buckets: LATENCY_BUCKETS, registers: [registry],
  });
  new Gauge({
    name: 'umbral_shadow_queue_depth', help: 'Mirrored requests waiting for a shadow run (shadow.queueSize at most; past it they are dropped).',
    registers: [registry], collect() { this.set(queueDepth()); },
  });
  const count = (request: ShadowRequest, outcome: ShadowOutcome) => requests.inc({ model: request.model, target: request.targetVersion, outcome });
  return {
    watch: (read) => { queueDepth = read; },
    dropped: (request) => count(request, 'dropped'),
    failed: (request) => count(request, 'failed'),
    compared(request: ShadowRequest, comparison: Comparison, shadowMs: number) {
      const labels = { model: request.model, target: request.targetVersion };
      count(request, comparison.agreed ? 'agreed' : 'disagreed');
      if (comparison.difference !== undefined) difference.observe(labels, comparison.difference);
      latency.observe({ ...labels, role: 'primary' }, request.latencyMs / 1000);
      latency.observe({ ...labels, role: 'shadow' }, shadowMs / 1000);
    },
  };
}
