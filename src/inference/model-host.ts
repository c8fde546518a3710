import type { Logger } from 'pino';
import type { Backend, BackendKind } from '../backends/backend.js';
import { Errors } from '../errors/catalogue.js';
import type { Metrics } from '../observability/metrics.js';
import type { ModelConfig } from '../registry/model-config.js';
import type { ModelDefinition, ModelVersionFile } from '../registry/model-repository.js';
import { ModelScheduler } from './batching/model-scheduler.js';
import { metricsObserver } from './metrics-observer.js';
import { resolveServedSignature } from './served-signature.js';
import type { ServedVersion, VersionState } from './served-version.js';

/** A model the host knows, whatever state its versions are in. */
export interface HostedModel {
  readonly name: string;
  readonly config: ModelConfig | undefined;
  /** Why the model as a whole cannot serve (broken model.yaml, no versions), if so. */
  readonly problem?: string;
  /** Its versions, highest first. */
  readonly versions: ReadonlyMap<string, VersionState>;
}

/** A model's state as a whole: ready when any version serves. */
export type ModelStatus = 'ready' | 'loading' | 'failed';

export function modelStatus(model: HostedModel): ModelStatus {
  const states = [...model.versions.values()];
  if (states.some((s) => s.status === 'ready')) return 'ready';
  if (!model.problem && states.some((s) => s.status === 'loading')) return 'loading';
  return 'failed';
}

export interface ModelHostOptions {
  readonly backends: Readonly<Record<BackendKind, Backend>>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Queue bound for models whose model.yaml sets none. */
  readonly defaultMaxQueueSize: number;
}

/**
 * Holds the models this instance serves: loads their versions through the backends, wraps each in
 * its scheduler, and answers which version serves a request. A broken model is kept with its cause
 * so that its ready endpoint can say why; the others serve.
 */
export class ModelHost {
  readonly #models = new Map<string, HostedModel & { versions: Map<string, VersionState> }>();

  constructor(private readonly options: ModelHostOptions) {}

  /** Loads every model of a repository; resolves when each version is ready or failed. */
  async loadAll(definitions: readonly ModelDefinition[]): Promise<void> {
    for (const definition of definitions) {
      const versions = new Map<string, VersionState>(definition.versions.map((v) => [v.version, { status: 'loading' }]));
      this.#models.set(definition.name, { ...definition, versions });
      if (definition.problem) this.options.logger.error({ model: definition.name, reason: definition.problem }, 'model cannot be served');
    }
    // One at a time: each load already uses every worker, and parallel loads only contend for them.
    for (const definition of definitions) {
      if (!definition.config) continue;
      for (const file of definition.versions) await this.#loadVersion(definition.name, definition.config, file);
    }
  }

  async #loadVersion(model: string, config: ModelConfig, file: ModelVersionFile): Promise<void> {
    const entry = this.#models.get(model);
    if (!entry) return;
    const started = performance.now();
    const state = await this.#load(model, config, file).catch((error: unknown) => ({
      status: 'failed' as const, reason: error instanceof Error ? error.message : String(error),
    }));
    entry.versions.set(file.version, state);
    const result = state.status === 'ready' ? 'ok' : 'failed';
    this.options.metrics.modelLoadDuration.observe({ model, result }, (performance.now() - started) / 1000);
    this.options.metrics.modelReady.set({ model, version: file.version }, state.status === 'ready' ? 1 : 0);
    if (state.status === 'failed') this.options.logger.error({ model, version: file.version, reason: state.reason }, 'model version failed to load');
    else this.options.logger.info({ model, version: file.version, loadMs: Math.round(performance.now() - started) }, 'model version loaded');
  }

  async #load(model: string, config: ModelConfig, file: ModelVersionFile): Promise<VersionState> {
    const loaded = await this.options.backends[config.backend].load({ model, version: file.version, artifactPath: file.artifactPath });
    const served = resolveServedSignature(loaded.signature, config);
    if ('problems' in served) {
      await loaded.release();
      throw Errors.modelConfigInvalid(model, served.problems);
    }
    const batching = config.dynamic_batching;
    const scheduler = new ModelScheduler(loaded, {
      model,
      version: file.version,
      maxBatchSize: batching ? config.max_batch_size : 0,
      maxQueueDelayMicros: batching?.max_queue_delay_microseconds ?? 0,
      preferredBatchSizes: batching?.preferred_batch_size ?? [],
      maxQueueSize: batching?.max_queue_size ?? this.options.defaultMaxQueueSize,
      observer: metricsObserver(this.options.metrics, model, file.version),
    });
    const version: ServedVersion = { model, version: file.version, config, served, loaded, scheduler };
    return { status: 'ready', version };
  }

  /** Every model, for metadata and /info. */
  list(): HostedModel[] {
    return [...this.#models.values()];
  }

  get(name: string): HostedModel | undefined {
    return this.#models.get(name);
  }

  /**
   * The version that serves a request: the one asked for, or the highest ready one. Throws 404 for
   * an unknown model or version and 503 (with the cause) for one that is not ready.
   */
  resolve(name: string, version?: string): ServedVersion {
    const model = this.#models.get(name);
    if (!model) throw Errors.modelNotFound(name);
    if (version !== undefined) {
      const state = model.versions.get(version);
      if (!state) throw Errors.versionNotFound(name, version);
      return readyOrThrow(name, state);
    }
    for (const state of model.versions.values()) if (state.status === 'ready') return state.version;
    if (model.problem) throw Errors.modelNotReady(name, model.problem);
    const first = model.versions.values().next().value;
    return readyOrThrow(name, first ?? { status: 'failed', reason: 'no version' });
  }

  /** Required models (model.yaml `required`, default true) that have no ready version. */
  requiredNotReady(): string[] {
    return this.list().filter((m) => m.config?.required !== false && modelStatus(m) !== 'ready').map((m) => m.name);
  }

  /** Models with a version or a model.yaml that failed (what --strict refuses). */
  broken(): string[] {
    return this.list()
      .filter((m) => m.problem !== undefined || [...m.versions.values()].some((s) => s.status === 'failed'))
      .map((m) => m.name);
  }

  /** Waits for queued and in-flight requests, then releases every version and closes the backends. */
  async close(): Promise<void> {
    const ready = this.list().flatMap((m) => [...m.versions.values()])
      .flatMap((state) => (state.status === 'ready' ? [state.version] : []));
    await Promise.all(ready.map((v) => v.scheduler.close()));
    await Promise.all(ready.map((v) => v.loaded.release()));
    await Promise.all(Object.values(this.options.backends).map((backend) => backend.close()));
    this.#models.clear();
  }
}

function readyOrThrow(name: string, state: VersionState): ServedVersion {
  if (state.status === 'ready') return state.version;
  throw Errors.modelNotReady(name, state.status === 'loading' ? 'still loading' : state.reason);
}
