import type { Registry as MetricsRegistry } from 'prom-client';
import type { InferenceService } from '../../inference/inference-service.js';
import { registerShadowMetrics } from './shadow-metrics.js';
import { ShadowRunner } from './shadow-runner.js';
import { ShadowStats } from './shadow-stats.js';

export interface OpenedShadow {
  /** What the data plane hands mirrored requests to. */
  readonly runner: ShadowRunner;
  /** What GET /admin/models/{m}/shadow reads. */
  readonly stats: ShadowStats;
}

/** The shadow runner of this process, reporting to its statistics and to `metrics`. */
export function openShadow(options: {
  inference: Pick<InferenceService, 'resolve' | 'infer'>; metrics: MetricsRegistry; queueSize: number; concurrency: number;
}): OpenedShadow {
  const stats = new ShadowStats();
  const metrics = registerShadowMetrics(options.metrics);
  const runner = new ShadowRunner({ inference: options.inference, queueSize: options.queueSize, concurrency: options.concurrency, outcomes: [stats, metrics] });
  metrics.watch(() => runner.queueDepth);
  return { runner, stats };
}
