import type { LoadResult } from './messages.js';
import { sampleDelta, sampleValue } from './prometheus.js';

/** The server's view of one load run, from /metrics scraped when its window opened and closed. */
export interface ServerView {
  /** Rows per model run over the window (umbral_inference_batch_size sum / count). */
  readonly meanBatchSize: number;
  readonly runs: number;
  /** Mean wait of a request in the model's queue (umbral_inference_queue_duration_seconds). */
  readonly queueMs: number;
  /** Mean duration of one model run as the scheduler sees it: the worker hop included. */
  readonly runMs: number;
  /** CPU the server process used over the window (every thread), in cores. */
  readonly cpuCores: number;
  /** umbral_nodejs_eventloop_lag_* over the window (the scrape at its start resets them), in ms. */
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
}

export function serverView(load: LoadResult, model: string): ServerView {
  const before = load.metricsAtStart ?? '';
  const after = load.metricsAtEnd ?? '';
  const grew = (name: string, labels: Record<string, string> = { model }) => sampleDelta(before, after, name, labels);
  const mean = (histogram: string) => (grew(`${histogram}_sum`) * 1000) / grew(`${histogram}_count`);
  const runs = grew('umbral_inference_batch_size_count');
  const cpuSeconds = grew('umbral_process_cpu_user_seconds_total', {}) + grew('umbral_process_cpu_system_seconds_total', {});
  const lagMs = (name: string) => (sampleValue(after, `umbral_nodejs_eventloop_lag_${name}_seconds`) ?? Number.NaN) * 1000;
  return {
    meanBatchSize: runs > 0 ? grew('umbral_inference_batch_size_sum') / runs : Number.NaN,
    runs,
    queueMs: mean('umbral_inference_queue_duration_seconds'),
    runMs: mean('umbral_inference_compute_duration_seconds'),
    cpuCores: (cpuSeconds * 1000) / load.windowMs,
    lagP50Ms: lagMs('p50'),
    lagP99Ms: lagMs('p99'),
    lagMaxMs: lagMs('max'),
  };
}
