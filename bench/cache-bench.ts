import { BENCH_MODELS } from './bench-repository.js';
import type { Children } from './children.js';
import { measureLoad, preflight, type Measured, type Timing } from './jobs.js';
import type { BareListening, CacheChurnResult, LoadResult } from './messages.js';
import { inferPath, spamBody } from './request-bodies.js';

export const CACHE_CONCURRENCIES = [1, 64] as const;
/** The LRU bound of the churn run, and how many times it is written over. */
export const CHURN_MAX_BYTES = 64 * 1024 * 1024;
export const CHURN_CHECKPOINTS = [1, 2, 5, 10, 20] as const;

export interface CacheHitRow {
  readonly concurrency: number;
  readonly umbral: Measured<LoadResult>;
  readonly bare: Measured<LoadResult>;
}

export interface CacheResults {
  readonly hits: readonly CacheHitRow[];
  readonly churn: CacheChurnResult;
}

/**
 * The response cache: a cached model answering the same request over and over (every answer a hit)
 * against a bare fastify route returning the same JSON; then resident memory of the in-memory LRU
 * under a churn of unique keys, written over twenty times its configured size.
 */
export async function benchCache(children: Children, timing: Timing, umbralOrigin: string): Promise<CacheResults> {
  const model = BENCH_MODELS.spamCached;
  const body = spamBody();
  // The first answer fills the cache: every request measured after it is a hit.
  const template = await preflight(umbralOrigin, inferPath(model), body);
  const bare = await children.run<BareListening>('./bare-server.js', { kind: 'bare', templates: { [model]: template } }, 30_000);
  const hits: CacheHitRow[] = [];
  try {
    for (const concurrency of CACHE_CONCURRENCIES) {
      console.error(`cache: hits at concurrency ${concurrency}`);
      const plan = { path: inferPath(model), bodies: [body], concurrency };
      const umbral = await measureLoad(children, timing, { origin: umbralOrigin, ...plan });
      hits.push({ concurrency, umbral, bare: await measureLoad(children, timing, { origin: bare.reply.origin, ...plan }) });
    }
  } finally {
    await children.stop(bare.child);
  }
  console.error('cache: memory LRU under a churn of unique keys');
  const churn = (await children.run<CacheChurnResult>('./cache-churn.js',
    { kind: 'cache-churn', maxBytes: CHURN_MAX_BYTES, valueBytes: 1024, checkpoints: CHURN_CHECKPOINTS }, 300_000)).reply;
  return { hits, churn };
}
