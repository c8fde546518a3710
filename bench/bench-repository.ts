import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** Model names in the bench's repository. */
export const BENCH_MODELS = {
  spam: 'spam-classifier',
  /** spam-classifier without dynamic_batching: shows what the queue delay costs a lone request. */
  spamUnbatched: 'spam-classifier-unbatched',
  echo: 'echo',
  heavy: 'heavy-mlp',
  /** heavy-mlp with the same max_batch_size but no dynamic_batching: one request, one run. */
  heavyUnbatched: 'heavy-mlp-unbatched',
  /** spam-classifier with a response cache (model.yaml `cache`): the cache-hit path. */
  spamCached: 'spam-classifier-cached',
  /** spam-classifier with every request in the prediction log, payload full (model.yaml `prediction_log`). */
  spamLogged: 'spam-classifier-logged',
} as const;

export interface BenchRepository {
  /** The model repository (`--models`). */
  readonly dir: string;
  /** An empty data directory of the server's own (UMBRAL_DATA_DIR), so that no other umbral's store is touched. */
  readonly dataDir: string;
  /** The heavy model's ONNX file, for the raw baseline. */
  readonly heavyModelPath: string;
  remove(): void;
}

/**
 * A temporary directory with a model repository holding the bundled models, the echo test fixture
 * and unbatched copies of spam-classifier and heavy-mlp (so that one server serves every scenario),
 * and an empty data directory for the server's store.
 */
export function createBenchRepository(root: string): BenchRepository {
  const temp = mkdtempSync(join(tmpdir(), 'umbral-bench-'));
  const dir = join(temp, 'models');
  const dataDir = join(temp, 'data');
  try {
    mkdirSync(dataDir);
    const bundled = (model: string) => join(root, 'models', model);
    cpSync(bundled(BENCH_MODELS.spam), join(dir, BENCH_MODELS.spam), { recursive: true });
    cpSync(bundled(BENCH_MODELS.heavy), join(dir, BENCH_MODELS.heavy), { recursive: true });
    cpSync(join(root, 'test', 'fixtures', 'models', BENCH_MODELS.echo), join(dir, BENCH_MODELS.echo), { recursive: true });
    copyWithoutBatching(bundled(BENCH_MODELS.spam), join(dir, BENCH_MODELS.spamUnbatched));
    copyWithoutBatching(bundled(BENCH_MODELS.heavy), join(dir, BENCH_MODELS.heavyUnbatched));
    copyWithCache(bundled(BENCH_MODELS.spam), join(dir, BENCH_MODELS.spamCached));
    copyWithPolicy(bundled(BENCH_MODELS.spam), join(dir, BENCH_MODELS.spamLogged), { prediction_log: { sample_rate: 1, payload: 'full' } });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    dataDir,
    heavyModelPath: join(dir, BENCH_MODELS.heavy, '1', 'model.onnx'),
    remove: () => rmSync(temp, { recursive: true, force: true }),
  };
}

/** A copy of a model with `sections` added to its model.yaml. */
function copyWithPolicy(from: string, to: string, sections: Record<string, unknown>): void {
  cpSync(from, to, { recursive: true });
  const config = parseYaml(readFileSync(join(to, 'model.yaml'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(to, 'model.yaml'), stringifyYaml({ ...config, ...sections }));
}

/** A copy of a model whose answers are cached for an hour. */
function copyWithCache(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const config = parseYaml(readFileSync(join(to, 'model.yaml'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(to, 'model.yaml'), stringifyYaml({ ...config, cache: { ttl_seconds: 3600 } }));
}

/** A copy of a model whose model.yaml has no dynamic_batching (max_batch_size is kept). */
function copyWithoutBatching(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const config = parseYaml(readFileSync(join(to, 'model.yaml'), 'utf8')) as Record<string, unknown>;
  delete config.dynamic_batching;
  writeFileSync(join(to, 'model.yaml'), stringifyYaml(config));
}
