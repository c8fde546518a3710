import { BENCH_MODELS } from './bench-repository.js';
import type { Children } from './children.js';
import { measureLoad, preflight, type Measured, type Timing } from './jobs.js';
import type { BareListening, LoadResult } from './messages.js';
import { echoBody, inferPath, spamBody } from './request-bodies.js';

export const SMALL_CONCURRENCIES = [1, 64] as const;

/** One cell of the small-model table: umbral and the bare route under the same load. */
export interface SmallModelRow {
  readonly model: string;
  readonly concurrency: number;
  readonly umbral: Measured<LoadResult>;
  readonly bare: Measured<LoadResult>;
}

const SMALL_MODELS = [
  { model: BENCH_MODELS.spam, body: spamBody() },
  { model: BENCH_MODELS.spamUnbatched, body: spamBody() },
  { model: BENCH_MODELS.echo, body: echoBody() },
] as const;

/**
 * Small models against a bare fastify route that answers the same request with umbral's own answer
 * (same shape, same size) without inference. Each cell measures umbral, then the bare route, back to
 * back, so that drift on a noisy machine hits both alike.
 */
export async function benchSmallModels(children: Children, timing: Timing, umbralOrigin: string): Promise<SmallModelRow[]> {
  const templates: Record<string, unknown> = {};
  for (const { model, body } of SMALL_MODELS) templates[model] = await preflight(umbralOrigin, inferPath(model), body);
  const bare = await children.run<BareListening>('./bare-server.js', { kind: 'bare', templates }, 30_000);
  const rows: SmallModelRow[] = [];
  try {
    for (const { model, body } of SMALL_MODELS) {
      for (const concurrency of SMALL_CONCURRENCIES) {
        const plan = { path: inferPath(model), bodies: [body], concurrency };
        console.error(`small model: ${model} at concurrency ${concurrency}`);
        const umbral = await measureLoad(children, timing, { origin: umbralOrigin, ...plan });
        const bareResult = await measureLoad(children, timing, { origin: bare.reply.origin, ...plan });
        rows.push({ model, concurrency, umbral, bare: bareResult });
      }
    }
  } finally {
    await children.stop(bare.child);
  }
  return rows;
}
