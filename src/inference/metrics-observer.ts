import type { Metrics } from '../observability/metrics.js';
import type { BatchObserver } from './batching/batch-observer.js';

/** Turns one model version's scheduler events into its Prometheus series. */
export function metricsObserver(metrics: Metrics, model: string, version: string): BatchObserver {
  const labels = { model, version };
  // Children resolved once: label lookups per event would sit on the hot path.
  const queueDepth = metrics.queueDepth.labels(labels);
  const batchSize = metrics.batchSize.labels(labels);
  const computeDuration = metrics.computeDuration.labels(labels);
  const inferenceCount = metrics.inferenceCount.labels(labels);
  const execCount = metrics.execCount.labels(labels);
  return {
    queueDepthChanged: (depth) => queueDepth.set(depth),
    batchRan: (run) => {
      computeDuration.observe(run.computeMs / 1000);
      if (!run.ok) return;
      batchSize.observe(run.size);
      inferenceCount.inc(run.size);
      execCount.inc();
    },
  };
}
