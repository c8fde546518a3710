import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchRepository } from './bench-repository.js';
import type { BenchResults } from './bench-results.js';
import { Children } from './children.js';
import { benchHeavyModel } from './heavy-model-bench.js';
import type { Timing } from './jobs.js';
import { describeMachine } from './machine.js';
import { renderReport } from './report.js';
import { benchSmallModels } from './small-model-bench.js';
import { startUmbral } from './spawn-server.js';

/**
 * `npm run bench`: starts umbral on a temporary model repository, measures the small models against a
 * bare fastify route and the heavy model with batching on, off and against raw onnxruntime, then
 * prints the report and writes it to bench/RESULTS.md. Flags: --warmup-ms, --duration-ms (per
 * measurement) and --out (another file, for trial runs).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const INTRA_OP_THREADS = 1;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'warmup-ms': { type: 'string', default: '1000' }, 'duration-ms': { type: 'string', default: '5000' }, out: { type: 'string' } },
  });
  const timing: Timing = { warmupMs: positive(values['warmup-ms'], 'warmup-ms'), durationMs: positive(values['duration-ms'], 'duration-ms') };
  const out = values.out === undefined ? join(root, 'bench', 'RESULTS.md') : resolve(values.out);
  const workers = availableParallelism();
  const children = new Children();
  const repository = createBenchRepository(root);
  const onSignal = () => {
    children.killAllNow();
    repository.remove();
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal).once('exit', () => children.killAllNow());
  try {
    const server = await startUmbral(children, {
      root, modelsDir: repository.dir, workDir: repository.dataDir,
      settings: {
        UMBRAL_LOG_LEVEL: 'warn', UMBRAL_DATA_DIR: repository.dataDir,
        UMBRAL_ONNX_WORKERS: String(workers), UMBRAL_ONNX_INTRA_OP_THREADS: String(INTRA_OP_THREADS),
      },
    });
    const measure = async () => {
      const small = await benchSmallModels(children, timing, server.origin);
      const heavy = await benchHeavyModel(children, timing, { umbralOrigin: server.origin, repository, workers, intraOpThreads: INTRA_OP_THREADS });
      return { small, heavy };
    };
    const { small, heavy } = await Promise.race([measure(), server.died]);
    const results: BenchResults = { machine: describeMachine(root), timing, small, heavy };
    const report = renderReport(results);
    console.log(report);
    writeFileSync(out, report);
    console.error(`written to ${out}`);
  } finally {
    await children.stopAll();
    repository.remove();
  }
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${flag} must be a positive integer (milliseconds), got '${text}'`);
  return value;
}

main().catch((error: unknown) => {
  console.error('bench failed:', error instanceof Error ? error.stack ?? error.message : error);
  process.exitCode = 1;
});
