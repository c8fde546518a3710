import { BENCH_MODELS, type BenchRepository } from './bench-repository.js';
import type { Children } from './children.js';
import { measureLoad, measureRawOnnx, preflight, probeLiveness, type Measured, type Timing } from './jobs.js';
import type { LoadResult, ProbeResult, RawOnnxResult } from './messages.js';
import { sampleDelta, sampleValue } from './prometheus.js';
import { HEAVY_ROW_WIDTH, heavyBodies, inferPath } from './request-bodies.js';

export const HEAVY_CONCURRENCY = 64;
const BODY_VARIANTS = 16;

/** The server's view of one heavy run, from /metrics scraped when its window opened and closed. */
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

export interface HeavyRun {
  readonly model: string;
  readonly load: Measured<LoadResult>;
  readonly server: ServerView;
  readonly probe: ProbeResult;
}

export interface RawRun {
  readonly batchSize: number;
  readonly result: Measured<RawOnnxResult>;
}

export interface HeavyResults {
  readonly workers: number;
  readonly batched: HeavyRun;
  readonly unbatched: HeavyRun;
  /** Raw onnxruntime at the mean batch size umbral's batching reached. */
  readonly rawAtBatched: RawRun;
  /** Raw onnxruntime one row per run: what the unbatched server is up against. */
  readonly rawAtOne: RawRun;
}

export interface HeavyOptions {
  readonly umbralOrigin: string;
  readonly repository: BenchRepository;
  readonly workers: number;
  readonly intraOpThreads: number;
}

/** heavy-mlp at concurrency 64, one row per request, with batching on and off, then the raw ceiling. */
export async function benchHeavyModel(children: Children, timing: Timing, options: HeavyOptions): Promise<HeavyResults> {
  const bodies = heavyBodies(BODY_VARIANTS);
  const batched = await heavyRun(children, timing, options.umbralOrigin, BENCH_MODELS.heavy, bodies);
  const unbatched = await heavyRun(children, timing, options.umbralOrigin, BENCH_MODELS.heavyUnbatched, bodies);
  const raw = async (batchSize: number): Promise<RawRun> => {
    console.error(`heavy model: raw onnxruntime, batches of ${batchSize}`);
    const result = await measureRawOnnx(children, timing, {
      modelPath: options.repository.heavyModelPath, workers: options.workers, intraOpThreads: options.intraOpThreads,
      batchSize, rowWidth: HEAVY_ROW_WIDTH,
    });
    return { batchSize, result };
  };
  const rawAtBatched = await raw(Math.max(1, Math.round(batched.server.meanBatchSize)));
  const rawAtOne = await raw(1);
  return { workers: options.workers, batched, unbatched, rawAtBatched, rawAtOne };
}

async function heavyRun(children: Children, timing: Timing, origin: string, model: string, bodies: string[]): Promise<HeavyRun> {
  const first = bodies[0] ?? '';
  await preflight(origin, inferPath(model), first);
  console.error(`heavy model: ${model} at concurrency ${HEAVY_CONCURRENCY}`);
  const [load, probe] = await Promise.all([
    measureLoad(children, timing, { origin, path: inferPath(model), bodies, concurrency: HEAVY_CONCURRENCY, metricsPath: '/metrics' }),
    probeLiveness(children, timing, origin),
  ]);
  return { model, load, probe, server: serverView(load, model) };
}

function serverView(load: LoadResult, model: string): ServerView {
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
