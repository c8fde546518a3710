import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_MODELS, type BenchRepository } from './bench-repository.js';
import type { Children } from './children.js';
import { measureLoad, type Measured, type Timing } from './jobs.js';
import type { LoadResult } from './messages.js';
import { sampleDelta } from './prometheus.js';
import { heavyBodies, inferPath } from './request-bodies.js';
import { startUmbral } from './spawn-server.js';

/** Clients at once: far more than one process can serve within the target. */
export const OVERLOAD_CONCURRENCY = 512;
/** The admission target of the second server (`batching.maxQueueWaitMs`). */
export const OVERLOAD_TARGET_MS = 50;

/** heavy-mlp, one row per request, at OVERLOAD_CONCURRENCY clients: without and with admission by queueing time. */
export interface OverloadResults {
  readonly concurrency: number;
  readonly targetMs: number;
  /** The main server: no target but the request deadline, so every request is queued. */
  readonly queued: Measured<LoadResult>;
  /** A server with `UMBRAL_BATCH_MAX_QUEUE_WAIT_MS` at the target: the excess is refused at once. */
  readonly admitted: Measured<LoadResult>;
}

/**
 * Overload of one process: heavy-mlp at 512 clients, first on the main server (every request
 * queued until its deadline), then on a second server whose queue admits only what would wait at
 * most OVERLOAD_TARGET_MS. 503s are counted apart, with their latency.
 */
export async function benchOverload(children: Children, timing: Timing, options: { root: string; repository: BenchRepository; mainOrigin: string }): Promise<OverloadResults> {
  const plan = {
    path: inferPath(BENCH_MODELS.heavy), bodies: heavyBodies(16, 1), concurrency: OVERLOAD_CONCURRENCY, refusals: true, metricsPath: '/metrics',
  };
  console.error(`overload: ${OVERLOAD_CONCURRENCY} clients, no admission target`);
  const queued = await measureLoad(children, timing, { origin: options.mainOrigin, ...plan });
  const dataDir = mkdtempSync(join(tmpdir(), 'umbral-bench-overload-'));
  const server = await startUmbral(children, {
    root: options.root, modelsDir: options.repository.dir, workDir: dataDir,
    settings: { UMBRAL_LOG_LEVEL: 'warn', UMBRAL_DATA_DIR: dataDir, UMBRAL_BATCH_MAX_QUEUE_WAIT_MS: String(OVERLOAD_TARGET_MS) },
  });
  try {
    console.error(`overload: ${OVERLOAD_CONCURRENCY} clients, admission target ${OVERLOAD_TARGET_MS} ms`);
    const admitted = await Promise.race([measureLoad(children, timing, { origin: server.origin, ...plan }), server.died]);
    return { concurrency: OVERLOAD_CONCURRENCY, targetMs: OVERLOAD_TARGET_MS, queued, admitted };
  } finally {
    await children.stop(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The route label of the infer route in umbral_http_request_duration_seconds. */
const INFER_ROUTE = { route: '/v2/models/:model/infer', method: 'POST', status: '200' };

/**
 * Share of the run's successful answers that the server gave within `targetMs` of reading the
 * request (from umbral_http_request_duration_seconds; `targetMs` must be one of its bucket bounds).
 */
export function servedWithinTarget(load: LoadResult, targetMs: number): number {
  const { metricsAtStart: before, metricsAtEnd: after } = load;
  if (before === undefined || after === undefined) return Number.NaN;
  const within = sampleDelta(before, after, 'umbral_http_request_duration_seconds_bucket', { ...INFER_ROUTE, le: String(targetMs / 1000) });
  const all = sampleDelta(before, after, 'umbral_http_request_duration_seconds_count', INFER_ROUTE);
  return all === 0 ? Number.NaN : within / all;
}
