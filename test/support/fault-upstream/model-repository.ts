import type { DecodedInferRequest } from '../../../src/protocol/kserve/decode-infer-request.js';
import type { InferResponseFields } from '../../../src/protocol/kserve/encode-infer-response.js';
import type { UpstreamModel } from './upstream-models.js';
import { UpstreamError } from './upstream-error.js';

/** One entry of the repository index (Triton's `ModelIndex`). */
export interface ModelIndexEntry {
  readonly name: string;
  readonly version: string;
  /** `READY` when loaded, `UNAVAILABLE` when not. */
  readonly state: 'READY' | 'UNAVAILABLE';
  /** `unloaded` for a model that was unloaded or never loaded; empty when ready. */
  readonly reason: string;
}

/**
 * The models a fault upstream knows and which of them are loaded: Triton's model repository
 * extension in memory. Loading and unloading are instant.
 */
export class ModelRepository {
  /** The request-level `parameters` of the last inference run, whichever protocol brought it. */
  lastParameters: DecodedInferRequest['parameters'] | undefined;
  readonly #models: ReadonlyMap<string, UpstreamModel>;
  readonly #loaded: Set<string>;

  /** `loaded`: the names loaded at start (default: every model). */
  constructor(models: ReadonlyMap<string, UpstreamModel>, loaded: Iterable<string> = models.keys()) {
    this.#models = models;
    this.#loaded = new Set(loaded);
    for (const name of this.#loaded) this.#known(name);
  }

  /** Every model, one entry per version, in name order; only the ready ones when `readyOnly`. */
  index(readyOnly = false): ModelIndexEntry[] {
    const entries = [...this.#models.values()].flatMap((model) => model.versions.map((version): ModelIndexEntry => {
      const ready = this.#loaded.has(model.name);
      return { name: model.name, version, state: ready ? 'READY' : 'UNAVAILABLE', reason: ready ? '' : 'unloaded' };
    }));
    return entries.filter((entry) => !readyOnly || entry.state === 'READY').sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Loads (or reloads) a model; throws `invalid` for a name the repository does not hold, as Triton does. */
  load(name: string): void {
    if (!this.#models.has(name)) throw new UpstreamError('invalid', `failed to load '${name}', failed to poll from model repository`);
    this.#loaded.add(name);
  }

  /** Unloads a model; throws `invalid` for a name the repository does not hold. */
  unload(name: string): void {
    if (!this.#models.has(name)) throw new UpstreamError('invalid', `failed to unload '${name}', no version is available`);
    this.#loaded.delete(name);
  }

  /** Whether the model (and version, when given) is loaded. */
  isReady(name: string, version = ''): boolean {
    const model = this.#models.get(name);
    return model !== undefined && this.#loaded.has(name) && (version === '' || model.versions.includes(version));
  }

  /** The loaded model for an inference or its metadata; throws `not_found` or `unavailable` as Triton does. */
  serving(name: string, version = ''): UpstreamModel {
    const model = this.#known(name);
    if (version !== '' && !model.versions.includes(version)) {
      throw new UpstreamError('not_found', `Request for unknown model: '${name}' version ${version} is not found`);
    }
    if (!this.#loaded.has(name)) throw new UpstreamError('unavailable', `Request for unknown model: '${name}' has no available versions`);
    return model;
  }

  /**
   * Runs a decoded request on a loaded model: the outputs it asked for, in its order (every output
   * when it named none), its id echoed. Throws an UpstreamError for an unknown model or output.
   */
  infer(name: string, version: string, request: DecodedInferRequest): InferResponseFields {
    const model = this.serving(name, version);
    this.lastParameters = request.parameters;
    const computed = model.run(request.inputs);
    const outputs = request.outputs.length === 0 ? computed : request.outputs.map(({ name: wanted }) => {
      const output = computed.find((tensor) => tensor.name === wanted);
      if (output === undefined) throw new UpstreamError('invalid', `unexpected inference output '${wanted}' for model '${name}'`);
      return output;
    });
    const id = request.id === undefined ? {} : { id: request.id };
    return { modelName: name, modelVersion: version === '' ? model.versions[0] as string : version, ...id, outputs };
  }

  #known(name: string): UpstreamModel {
    const model = this.#models.get(name);
    if (model === undefined) throw new UpstreamError('not_found', `Request for unknown model: '${name}' is not found`);
    return model;
  }
}
