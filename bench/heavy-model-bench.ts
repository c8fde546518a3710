import { BENCH_MODELS, type BenchRepository } from './bench-repository.js';
import type { Children } from './children.js';
import { measureLoad, measureRawOnnx, preflight, probeLiveness, type Measured, type Timing } from './jobs.js';
import type { LoadResult, ProbeResult, RawOnnxResult } from './messages.js';
import { HEAVY_ROW_WIDTH, heavyBodies, inferPath } from './request-bodies.js';
import { serverView, type ServerView } from './server-view.js';

export const HEAVY_CONCURRENCY = 64;
/** heavy-mlp's max_batch_size (models/heavy-mlp/model.yaml). */
export const HEAVY_MAX_BATCH_SIZE = 64;
/** Rows per request of the client-side-batched run. */
export const MULTI_ROW_REQUEST_ROWS = 16;
const BODY_VARIANTS = 16;

export interface HeavyRun {
  readonly model: string;
  readonly rowsPerRequest: number;
  readonly load: Measured<LoadResult>;
  readonly server: ServerView;
  readonly probe: ProbeResult;
}

export interface RawRun {
  readonly batchSize: number;
  readonly result: Measured<RawOnnxResult>;
}

export interface HeavyResults {
  /** The server's onnx workers and intra-op threads (the raw baseline uses the same). */
  readonly workers: number;
  readonly intraOpThreads: number;
  /** Batching on, one row per request. */
  readonly batched: HeavyRun;
  /** Batching off, one row per request. */
  readonly unbatched: HeavyRun;
  /** Batching on, MULTI_ROW_REQUEST_ROWS rows per request. */
  readonly batchedMultiRow: HeavyRun;
  /** Raw onnxruntime at the mean batch size `batched` reached. */
  readonly rawAtBatched: RawRun;
  /** Raw onnxruntime one row per run: what the unbatched server is up against. */
  readonly rawAtOne: RawRun;
  /** Raw onnxruntime at the mean batch size `batchedMultiRow` reached. */
  readonly rawAtMultiRow: RawRun;
}

export interface HeavyOptions {
  readonly umbralOrigin: string;
  readonly repository: BenchRepository;
  readonly workers: number;
  readonly intraOpThreads: number;
}

/** Rows the server answered per second in a heavy run. */
export function rowsPerSecond(run: HeavyRun): number {
  return ((run.load.ok * 1000) / run.load.windowMs) * run.rowsPerRequest;
}

/** CPU the server process used per answered request over the window (every thread), in µs. */
export function serverCpuPerRequestUs(run: HeavyRun): number {
  return (run.server.cpuCores * run.load.windowMs * 1000) / run.load.ok;
}

/**
 * heavy-mlp at concurrency 64: one row per request with batching on and off, then 16 rows per
 * request with batching on; then the raw ceiling at each batch size the server's runs reached.
 */
export async function benchHeavyModel(children: Children, timing: Timing, options: HeavyOptions): Promise<HeavyResults> {
  const origin = options.umbralOrigin;
  const oneRow = heavyBodies(BODY_VARIANTS, 1);
  const batched = await heavyRun(children, timing, origin, BENCH_MODELS.heavy, oneRow, 1);
  const unbatched = await heavyRun(children, timing, origin, BENCH_MODELS.heavyUnbatched, oneRow, 1);
  const multiRow = heavyBodies(BODY_VARIANTS, MULTI_ROW_REQUEST_ROWS);
  const batchedMultiRow = await heavyRun(children, timing, origin, BENCH_MODELS.heavy, multiRow, MULTI_ROW_REQUEST_ROWS);
  const rawRuns = new Map<number, Promise<RawRun>>();
  const raw = (meanBatchSize: number): Promise<RawRun> => {
    const batchSize = Math.max(1, Math.round(meanBatchSize));
    const known = rawRuns.get(batchSize);
    if (known) return known;
    console.error(`heavy model: raw onnxruntime, batches of ${batchSize}`);
    const run = measureRawOnnx(children, timing, {
      modelPath: options.repository.heavyModelPath, workers: options.workers, intraOpThreads: options.intraOpThreads,
      batchSize, rowWidth: HEAVY_ROW_WIDTH,
    }).then((result) => ({ batchSize, result }));
    rawRuns.set(batchSize, run);
    return run;
  };
  const rawAtBatched = await raw(batched.server.meanBatchSize);
  const rawAtOne = await raw(1);
  const rawAtMultiRow = await raw(batchedMultiRow.server.meanBatchSize);
  return { workers: options.workers, intraOpThreads: options.intraOpThreads, batched, unbatched, batchedMultiRow, rawAtBatched, rawAtOne, rawAtMultiRow };
}

async function heavyRun(children: Children, timing: Timing, origin: string, model: string, bodies: string[], rows: number): Promise<HeavyRun> {
  await preflight(origin, inferPath(model), bodies[0] ?? '', rows);
  console.error(`heavy model: ${model} at concurrency ${HEAVY_CONCURRENCY}, ${rows} row(s) per request`);
  const [load, probe] = await Promise.all([
    measureLoad(children, timing, { origin, path: inferPath(model), bodies, concurrency: HEAVY_CONCURRENCY, metricsPath: '/metrics' }),
    probeLiveness(children, timing, origin),
  ]);
  return { model, rowsPerRequest: rows, load, probe, server: serverView(load, model) };
}
