import { BENCH_MODELS } from './bench-repository.js';
import type { Children } from './children.js';
import { measureLoad, preflight, type Measured, type Timing } from './jobs.js';
import type { LoadResult } from './messages.js';
import { inferPath, spamBody } from './request-bodies.js';

export const PREDICTION_LOG_CONCURRENCIES = [1, 64] as const;

/** One cell: spam-classifier with every request logged (payload full) against the same model with logging off. */
export interface PredictionLogRow {
  readonly concurrency: number;
  readonly logged: Measured<LoadResult>;
  readonly off: Measured<LoadResult>;
}

/**
 * What the prediction log costs the request path: spam-classifier-logged (`prediction_log:
 * {sample_rate: 1, payload: full}`, written to the server's store) and spam-classifier (no section),
 * on the same server, measured back to back under the same load.
 */
export async function benchPredictionLog(children: Children, timing: Timing, umbralOrigin: string): Promise<PredictionLogRow[]> {
  const body = spamBody();
  for (const model of [BENCH_MODELS.spamLogged, BENCH_MODELS.spam]) await preflight(umbralOrigin, inferPath(model), body);
  const rows: PredictionLogRow[] = [];
  for (const concurrency of PREDICTION_LOG_CONCURRENCIES) {
    console.error(`prediction log: spam-classifier at concurrency ${concurrency}, logged and not`);
    const logged = await measureLoad(children, timing, { origin: umbralOrigin, path: inferPath(BENCH_MODELS.spamLogged), bodies: [body], concurrency });
    const off = await measureLoad(children, timing, { origin: umbralOrigin, path: inferPath(BENCH_MODELS.spam), bodies: [body], concurrency });
    rows.push({ concurrency, logged, off });
  }
  return rows;
}
