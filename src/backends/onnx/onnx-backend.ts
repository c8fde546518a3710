import { stat } from 'node:fs/promises';
import { Errors } from '../../errors/catalogue.js';
import type { Backend, LoadedModel, LoadRequest } from '../backend.js';
import { OnnxLoadedModel } from './onnx-loaded-model.js';
import { toModelSignature } from './onnx-signature.js';
import { OnnxWorkerPool, type PoolLogger } from './onnx-worker-pool.js';

export interface OnnxBackendOptions {
  /** Worker threads; each holds a session of every loaded model, so N runs use N cores. */
  readonly workers: number;
  /** Threads ONNX Runtime may use inside one run (`intraOpNumThreads`). */
  readonly intraOpThreads: number;
  /** Where worker deaths and failed reloads are reported. */
  readonly logger?: PoolLogger;
}

/**
 * Serves `.onnx` files in-process with ONNX Runtime, on a pool of worker threads so that runs never
 * block the server's event loop. The pool starts with the first load.
 */
export class OnnxBackend implements Backend {
  readonly kind = 'onnx' as const;
  #pool: OnnxWorkerPool | undefined;
  #loads = 0;

  constructor(private readonly options: OnnxBackendOptions) {}

  async load(request: LoadRequest): Promise<LoadedModel> {
    const { model, version, artifactPath } = request;
    await checkFile(model, artifactPath);
    this.#pool ??= new OnnxWorkerPool({ size: this.options.workers, intraOpThreads: this.options.intraOpThreads, logger: this.options.logger });
    const pool = this.#pool;
    // Unique per load: the same version may be loaded twice while a hot swap replaces it.
    const key = `${model}@${version}#${++this.#loads}`;
    const info = await pool.load(model, key, artifactPath);
    const result = toModelSignature(info);
    if ('problem' in result) {
      await pool.release(key);
      throw Errors.modelLoadFailed(model, result.problem);
    }
    return new OnnxLoadedModel(pool, model, key, result.signature);
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }

  /** Fault injection for tests and drills: ends worker `index` as a crash would; a new one replaces it. */
  async terminateWorker(index: number): Promise<void> {
    await this.#pool?.terminateWorker(index);
  }
}

async function checkFile(model: string, path: string): Promise<void> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw Errors.modelLoadFailed(model, error.code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${error.message}`);
  });
  if (!stats.isFile()) throw Errors.modelLoadFailed(model, `not a file: ${path}`);
}
