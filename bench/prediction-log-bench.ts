import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BENCH_MODELS, type BenchRepository } from './bench-repository.js';
import type { Children } from './children.js';
import { measureLoad, preflight, type Measured, type Timing } from './jobs.js';
import type { LoadResult } from './messages.js';
import { inferPath, spamBody } from './request-bodies.js';
import { startUmbral } from './spawn-server.js';

export const PREDICTION_LOG_CONCURRENCIES = [1, 64] as const;

/** Where the logged server keeps its records: the embedded PGlite (in its process), or a PostgreSQL server. */
export type PredictionLogStore = 'embedded' | 'postgres';

/** One cell: spam-classifier with every request logged (payload full) against the same model with logging off. */
export interface PredictionLogRow {
  readonly store: PredictionLogStore;
  readonly concurrency: number;
  readonly logged: Measured<LoadResult>;
  readonly off: Measured<LoadResult>;
}

/**
 * What the prediction log costs the request path: spam-classifier-logged (`prediction_log:
 * {sample_rate: 1, payload: full}`, written to the server's store) and spam-classifier (no section),
 * on the same server, measured back to back under the same load.
 */
export async function benchPredictionLog(children: Children, timing: Timing, umbralOrigin: string, store: PredictionLogStore = 'embedded',
  concurrencies: readonly number[] = PREDICTION_LOG_CONCURRENCIES): Promise<PredictionLogRow[]> {
  const body = spamBody();
  for (const model of [BENCH_MODELS.spamLogged, BENCH_MODELS.spam]) await preflight(umbralOrigin, inferPath(model), body);
  const rows: PredictionLogRow[] = [];
  for (const concurrency of concurrencies) {
    console.error(`prediction log (${store} store): spam-classifier at concurrency ${concurrency}, logged and not`);
    const logged = await measureLoad(children, timing, { origin: umbralOrigin, path: inferPath(BENCH_MODELS.spamLogged), bodies: [body], concurrency });
    const off = await measureLoad(children, timing, { origin: umbralOrigin, path: inferPath(BENCH_MODELS.spam), bodies: [body], concurrency });
    rows.push({ store, concurrency, logged, off });
  }
  return rows;
}

/**
 * The same cell against a PostgreSQL server (`databaseUrl`, a fresh schema dropped afterwards):
 * there the inserts run in the database's process, not on umbral's main thread. The database
 * shares this machine's cores with umbral and the load generator, as it would on a small host.
 */
export async function benchPredictionLogOnPostgres(children: Children, timing: Timing,
  options: { root: string; repository: BenchRepository; databaseUrl: string }): Promise<PredictionLogRow[]> {
  const schema = `umbral_bench_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'umbral-bench-postgres-'));
  const server = await startUmbral(children, {
    root: options.root, modelsDir: options.repository.dir, workDir: dataDir,
    settings: { UMBRAL_LOG_LEVEL: 'warn', UMBRAL_DATA_DIR: dataDir, DATABASE_URL: options.databaseUrl, UMBRAL_DATABASE_SCHEMA: schema },
  });
  try {
    return await Promise.race([benchPredictionLog(children, timing, server.origin, 'postgres', [64]), server.died]);
  } finally {
    await children.stop(server.child);
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
