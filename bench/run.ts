import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchAccess } from './access-bench.js';
import { benchCache } from './cache-bench.js';
import { createBenchRepository } from './bench-repository.js';
import type { BenchResults } from './bench-results.js';
import { Children } from './children.js';
import { benchHeavyModel } from './heavy-model-bench.js';
import { benchOverload } from './overload-bench.js';
import { benchPredictionLog, benchPredictionLogOnPostgres } from './prediction-log-bench.js';
import type { Timing } from './jobs.js';
import { describeMachine } from './machine.js';
import { renderReport } from './report.js';
import { benchSmallModels } from './small-model-bench.js';
import { readServerSettings } from './server-settings.js';
import { startUmbral } from './spawn-server.js';
import { benchStartup } from './startup-bench.js';
import { benchUpstreams } from './upstream-bench.js';

/**
 * `npm run bench`: times umbral's start-up with a new and an existing data directory and the memory
 * its embedded store adds; then starts umbral on a temporary model repository, measures the small
 * models against a bare fastify route and the heavy model with batching on, off and against raw
 * onnxruntime, then what access control costs (a second server with it on), then umbral in front of
 * remote upstreams (KServe v2 and OpenAI routes against a bare undici proxy, and with 30 % upstream
 * failures), the response cache (hits against a bare route, the memory LRU under churn), overload at 512 clients
 * without and with admission by queueing time, then prints the report and writes it to bench/RESULTS.md. Flags: --warmup-ms, --duration-ms (per
 * measurement), --out (another file, for trial runs) and --onnx-workers (instead of the server's default).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'warmup-ms': { type: 'string', default: '1000' }, 'duration-ms': { type: 'string', default: '5000' }, out: { type: 'string' },
      'onnx-workers': { type: 'string' },
    },
  });
  const workersOverride: Record<string, string> = values['onnx-workers'] === undefined ? {} : { UMBRAL_ONNX_WORKERS: String(positive(values['onnx-workers'], 'onnx-workers', 'workers')) };
  const timing: Timing = { warmupMs: positive(values['warmup-ms'], 'warmup-ms'), durationMs: positive(values['duration-ms'], 'duration-ms') };
  const out = values.out === undefined ? join(root, 'bench', 'RESULTS.md') : resolve(values.out);
  const children = new Children();
  const repository = createBenchRepository(root);
  const onSignal = () => {
    children.killAllNow();
    repository.remove();
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal).once('exit', () => children.killAllNow());
  try {
    const startup = await benchStartup(children, root);
    // No onnx setting unless --onnx-workers: the server runs with its defaults, as shipped.
    const server = await startUmbral(children, {
      root, modelsDir: repository.dir, workDir: repository.dataDir,
      settings: { UMBRAL_LOG_LEVEL: 'warn', UMBRAL_DATA_DIR: repository.dataDir, ...workersOverride },
    });
    const settings = await readServerSettings(server.origin);
    const measure = async () => {
      const small = await benchSmallModels(children, timing, server.origin);
      const predictionLog = await benchPredictionLog(children, timing, server.origin);
      const heavy = await benchHeavyModel(children, timing, {
        umbralOrigin: server.origin, repository, workers: settings.onnxWorkers, intraOpThreads: settings.intraOpThreads,
      });
      const access = await benchAccess(children, timing, { root, repository, openOrigin: server.origin });
      const cache = await benchCache(children, timing, server.origin);
      const overload = await benchOverload(children, timing, { root, repository, mainOrigin: server.origin });
      return { small, predictionLog, heavy, access, cache, overload };
    };
    const { small, predictionLog, heavy, access, cache, overload } = await Promise.race([measure(), server.died]);
    await children.stop(server.child);
    // The prediction log against a PostgreSQL server too, when the bench is given one (DATABASE_URL).
    const databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl) predictionLog.push(...await benchPredictionLogOnPostgres(children, timing, { root, repository, databaseUrl }));
    const upstreams = await benchUpstreams(children, timing, root);
    const results: BenchResults = {
      machine: describeMachine(root), timing, settings, workersSetBy: values['onnx-workers'] === undefined ? 'default' : 'flag', startup, small, heavy, access, upstreams, cache, overload,
      predictionLog,
    };
    const report = renderReport(results);
    console.log(report);
    writeFileSync(out, report);
    console.error(`written to ${out}`);
  } finally {
    await children.stopAll();
    repository.remove();
  }
}

function positive(text: string, flag: string, unit = 'milliseconds'): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${flag} must be a positive integer (${unit}), got '${text}'`);
  return value;
}

main().catch((error: unknown) => {
  console.error('bench failed:', error instanceof Error ? error.stack ?? error.message : error);
  process.exitCode = 1;
});
