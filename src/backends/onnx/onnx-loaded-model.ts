import type { BackendInferRequest, BackendInferResponse, LoadedModel, ModelSignature } from '../backend.js';
import type { OnnxWorkerPool } from './onnx-worker-pool.js';
import { fromWireTensor, toWireTensor } from './wire-tensors.js';

/** One model version with a session in every worker of the pool. */
export class OnnxLoadedModel implements LoadedModel {
  readonly concurrency: number;
  readonly textOnlyBytes = true;
  #released = false;

  constructor(
    private readonly pool: OnnxWorkerPool,
    private readonly model: string,
    /** The pool's key of this version's sessions. */
    private readonly key: string,
    readonly signature: ModelSignature,
  ) {
    this.concurrency = pool.size;
  }

  async infer(request: BackendInferRequest, signal: AbortSignal): Promise<BackendInferResponse> {
    if (signal.aborted) throw signal.reason;
    const feeds = request.inputs.map((tensor) => toWireTensor(this.model, tensor));
    const outputs = await this.pool.run({ model: this.model, key: this.key, feeds, fetches: request.outputs }, signal);
    return { outputs: outputs.map((tensor) => fromWireTensor(this.model, tensor)) };
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.pool.release(this.key);
  }
}
