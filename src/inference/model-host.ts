import type { Logger } from 'pino';
import type { Backend, BackendKind } from '../backends/backend.js';
import { Errors } from '../errors/catalogue.js';
import { canonicalJson } from '../model/canonical-json.js';
import type { Metrics } from '../observability/metrics.js';
import type { BatchObserverFactory } from './inference-observer.js';
import type { ModelLoadObserver } from './model-load-observer.js';
import { loadVersion, retireVersion } from './load-version.js';
import type { ModelPlan, PlannedVersion } from './model-plan.js';
import type { ServedSignature } from './served-signature.js';
import type { ServedVersion, VersionState } from './served-version.js';

/** A model as this process serves it right now. Replaced whole on every change (the atomic swap). */
export interface HostedModel {
  readonly plan: ModelPlan;
  /** Versions loaded or tried in this process; a planned version missing here is not loaded. */
  readonly states: ReadonlyMap<string, VersionState>;
  /** Alias → version, as served (an alias whose new target failed to load keeps its old one). */
  readonly aliases: ReadonlyMap<string, string>;
  /** The version `/v2/models/{m}` serves. */
  readonly defaultVersion: string | undefined;
}

export interface ModelHostOptions {
  readonly backends: Readonly<Record<BackendKind, Backend>>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Queue bound for versions whose manifest sets none. */
  readonly defaultMaxQueueSize: number;
  /** Another observer of each serving version's scheduler (statistics), beside the metrics. */
  readonly batchObserver?: BatchObserverFactory;
  /** Told of each load failure and success (notifications). */
  readonly loadObserver?: ModelLoadObserver;
}

/** What applying a plan did. */
export interface ApplyResult {
  /** Versions the plan needed that failed to load, with the cause; the old ones still serve. */
  readonly failed: ReadonlyArray<{ version: string; reason: string }>;
}

/**
 * Holds the model versions this process serves and swaps them without a failed request: a new
 * version is loaded beside the serving ones and warmed, then the model's entry is replaced in one
 * assignment, and the versions no longer needed are retired only after their queued and running
 * requests finish. Loads of the same version run once however many callers ask.
 */
export class ModelHost {
  readonly #models = new Map<string, HostedModel>();
  readonly #loads = new Map<string, Promise<VersionState>>();
  readonly #applying = new Map<string, Promise<unknown>>();
  readonly #retiring = new Set<Promise<void>>();
  /** Versions being released: never served or adopted again, whichever entry still mentions them. */
  readonly #retired = new WeakSet<ServedVersion>();
  readonly #listeners = new Set<() => void>();

  constructor(private readonly options: ModelHostOptions) {}

  /** Serves what `plan` says, loading what it needs first. Changes to one model apply one at a time. */
  apply(plan: ModelPlan): Promise<ApplyResult> {
    const previous = this.#applying.get(plan.name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#apply(plan));
    this.#applying.set(plan.name, next);
    return next;
  }

  async #apply(plan: ModelPlan): Promise<ApplyResult> {
    const current = this.#models.get(plan.name);
    // A split's variants that name a version number are loaded and warmed with the rest (alias targets are among the aliases).
    const split = plan.traffic?.variants.map((v) => v.target).filter((target) => plan.versions.some((v) => v.version === target)) ?? [];
    const wanted = new Set([...Object.values(plan.aliases), plan.defaultVersion, ...split].filter((v): v is string => v !== undefined));
    // A live shadow target is loaded with the versions that serve, so that the first mirrored request does not wait for its load.
    if (plan.shadow && plan.versions.some((v) => v.version === plan.shadow?.version)) wanted.add(plan.shadow.version);
    const states = new Map<string, VersionState>();
    for (const version of wanted) {
      const planned = plan.versions.find((v) => v.version === version);
      states.set(version, planned ? await this.#ensureLoaded(plan.name, planned, current, plan.servers) : { status: 'failed', reason: 'not a live version' });
    }
    this.#applyServers(plan, states);
    const servable = (version: string | undefined) => version !== undefined && states.get(version)?.status === 'ready';
    const keep = (target: string | undefined, old: string | undefined) => {
      if (servable(target) || !old || current?.states.get(old)?.status !== 'ready') return target;
      states.set(old, current.states.get(old) as VersionState);
      return old;
    };
    const aliases = new Map(Object.entries(plan.aliases).map(([alias, v]) => [alias, keep(v, current?.aliases.get(alias)) as string]));
    const defaultVersion = keep(plan.defaultVersion, current?.defaultVersion);
    this.#models.set(plan.name, { plan, states, aliases, defaultVersion });
    for (const [version, state] of current?.states ?? []) {
      if (state.status === 'ready' && states.get(version) !== state) this.#retire(state.version);
    }
    const failed = [...states].flatMap(([version, s]) => (s.status === 'failed' ? [{ version, reason: s.reason }] : []));
    this.#report(plan, failed);
    this.#changed();
    return { failed };
  }

  /**
   * Calls `listener` after what this process serves may have changed (a model applied, a version
   * adopted, everything released); returns the way to stop. A listener must not throw.
   */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * The version loaded as `planned` says: the one held when its serving settings are the same, else
   * a new load (a policy that changes batching swaps in a version loaded with the new settings).
   */
  #ensureLoaded(model: string, planned: PlannedVersion, current: HostedModel | undefined, servers?: readonly string[]): Promise<VersionState> {
    const existing = current?.states.get(planned.version);
    const serving = servingKey(planned);
    if (existing?.status === 'ready' && !this.#retired.has(existing.version) && servingKey(existing.version) === serving) {
      return Promise.resolve(existing);
    }
    const key = `${model}\u0000${planned.version}\u0000${serving}`;
    let load = this.#loads.get(key);
    if (!load) {
      load = this.#load(model, planned, servers).finally(() => this.#loads.delete(key));
      this.#loads.set(key, load);
    }
    return load;
  }

  async #load(model: string, planned: PlannedVersion, servers: readonly string[] | undefined): Promise<VersionState> {
    const started = performance.now();
    const { metrics, logger } = this.options;
    try {
      const version = await loadVersion(model, planned, { ...this.#loadOptions(planned, true), ...(servers ? { servers } : {}) });
      metrics.modelLoadDuration.observe({ model, result: 'ok' }, (performance.now() - started) / 1000);
      metrics.modelReady.set({ model, version: planned.version }, 1);
      logger.info({ model, version: planned.version, loadMs: Math.round(performance.now() - started) }, 'model version loaded');
      this.options.loadObserver?.loaded?.(model, planned.version);
      return { status: 'ready', version };
    } catch (error) {
      metrics.modelLoadDuration.observe({ model, result: 'failed' }, (performance.now() - started) / 1000);
      return { status: 'failed', reason: (error as Error).message };
    }
  }

  /** The policy's server list on the remote versions held (kept ones keep their breakers and health). */
  #applyServers(plan: ModelPlan, states: ReadonlyMap<string, VersionState>): void {
    if (!plan.servers) return;
    const wanted = [...plan.servers].sort().join('\n');
    for (const state of states.values()) {
      const upstream = state.status === 'ready' ? state.version.loaded.upstream : undefined;
      if (!upstream || upstream.servers().map((s) => s.url).sort().join('\n') === wanted) continue;
      try {
        upstream.setServers(plan.servers);
        this.options.logger.info({ model: plan.name, servers: plan.servers.length }, 'upstream servers set by the model\'s policy');
      } catch (error) {
        this.options.logger.error({ model: plan.name, err: error }, 'the policy\'s server list does not apply; the servers stay as they were');
      }
    }
  }

  #loadOptions(planned: PlannedVersion, observe: boolean) {
    const { backends, metrics, defaultMaxQueueSize, batchObserver } = this.options;
    return { backend: backends[planned.manifest.backend], metrics, defaultMaxQueueSize, observe, ...(batchObserver ? { batchObserver } : {}) };
  }

  #retire(version: ServedVersion): void {
    if (this.#retired.has(version)) return;
    this.#retired.add(version);
    this.options.metrics.modelReady.set({ model: version.model, version: version.version }, 0);
    // A request that resolved this version just before the swap enqueues on its scheduler in the
    // microtasks that follow; closing after the next macrotask lets every such request in.
    const retiring = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => retireVersion(version))
      .catch((error: unknown) => this.options.logger.error({ model: version.model, version: version.version, err: error }, 'release failed'))
      .finally(() => this.#retiring.delete(retiring));
    this.#retiring.add(retiring);
  }

  #report(plan: ModelPlan, failed: ApplyResult['failed']): void {
    const { logger, metrics, loadObserver } = this.options;
    if (plan.problem) {
      logger.error({ model: plan.name, reason: plan.problem }, 'model cannot be served');
      loadObserver?.loadFailed(plan.name, undefined, plan.problem);
    }
    for (const { version, reason } of failed) {
      metrics.modelReady.set({ model: plan.name, version }, 0);
      logger.error({ model: plan.name, version, reason }, 'model version failed to load');
      loadObserver?.loadFailed(plan.name, version, reason);
    }
  }

  /**
   * Loads and warms a version that is about to serve (before an alias moves to it), so that a load
   * failure reaches the caller while the registry is still unchanged: throws 422 with the cause.
   * The loaded version is kept for the apply that follows.
   */
  async preload(name: string, planned: PlannedVersion): Promise<void> {
    const current = this.#models.get(name);
    const state = await this.#ensureLoaded(name, planned, current, current?.plan.servers);
    if (state.status === 'failed') throw Errors.versionLoadFailed(name, planned.version, state.reason);
    this.#adopt(name, planned.version, state);
  }

  /**
   * Keeps a version loaded outside an apply (preload, on-demand) in the model's current entry, where
   * the next apply reuses it or retires it. Without a current entry to hold it, it is released.
   */
  #adopt(name: string, version: string, state: VersionState): void {
    if (state.status !== 'ready' || this.#retired.has(state.version)) return;
    const current = this.#models.get(name);
    const held = current?.states.get(version);
    if (!current) this.#retire(state.version);
    else if (held?.status !== 'ready' || held.version !== state.version) {
      (current.states as Map<string, VersionState>).set(version, state);
      this.#changed();
    }
  }

  /** Loads a version only to check it (an upload), then releases it: its served signature or the cause. */
  async trialLoad(model: string, planned: PlannedVersion): Promise<ServedSignature> {
    const version = await loadVersion(model, planned, this.#loadOptions(planned, false));
    await retireVersion(version);
    return version.served;
  }

  list(): HostedModel[] {
    return [...this.#models.values()].sort((a, b) => a.plan.name.localeCompare(b.plan.name));
  }

  get(name: string): HostedModel | undefined {
    return this.#models.get(name);
  }

  /**
   * The version that serves a request: `ref` is a version number or an alias name; without it, the
   * default version. A live version that is not loaded is loaded on demand (once, however many ask).
   * Throws 404 for an unknown model, version or alias and 503 with the cause for one that cannot serve.
   */
  async resolve(name: string, ref?: string): Promise<ServedVersion> {
    const model = this.#models.get(name);
    if (!model) throw Errors.modelNotFound(name);
    const version = ref === undefined ? model.defaultVersion : (model.aliases.get(ref) ?? ref);
    if (version === undefined) throw Errors.modelNotReady(name, model.plan.problem ?? 'it has no version');
    const state = model.states.get(version);
    if (state?.status === 'ready' && !this.#retired.has(state.version)) return state.version;
    if (state?.status === 'failed') throw Errors.modelNotReady(name, state.reason);
    const planned = model.plan.versions.find((v) => v.version === version);
    if (!planned) throw /^\d+$/.test(version) ? Errors.versionNotFound(name, version) : Errors.aliasNotFound(name, version);
    const loaded = await this.#ensureLoaded(name, planned, model, model.plan.servers);
    if (loaded.status === 'failed') throw Errors.modelNotReady(name, loaded.reason);
    this.#adopt(name, version, loaded);
    return (loaded as Extract<VersionState, { status: 'ready' }>).version;
  }

  /**
   * Required models that cannot answer now: their default version does not serve (for a remote
   * model: no server can answer) and no model of their fallback chain does either.
   */
  requiredNotReady(): string[] {
    return this.list().filter((m) => m.plan.required && modelStatus(m) !== 'ready' && this.fallbackServing(m) === undefined)
      .map((m) => m.plan.name);
  }

  /**
   * For a model that does not serve by itself: the first entry of its fallback chain (`name` or
   * `name:version`) that would answer in its place now; undefined when none would, or when the model
   * serves by itself.
   */
  fallbackServing(model: HostedModel): string | undefined {
    if (modelStatus(model) === 'ready') return undefined;
    return model.plan.fallback?.find((ref) => {
      const [name, version] = ref.split(':') as [string, string | undefined];
      const target = this.#models.get(name);
      if (!target) return false;
      if (version === undefined) return modelStatus(target) === 'ready';
      const state = target.states.get(target.aliases.get(version) ?? version);
      return state?.status === 'ready' && state.version.loaded.upstream?.ready() !== false;
    });
  }

  /**
   * Whether a remote version of this model failed to load (its servers were down at that moment):
   * the registry sync applies such a model again on its next round instead of leaving it failed.
   */
  hasFailedRemote(name: string): boolean {
    const model = this.#models.get(name);
    if (!model) return false;
    const remote = new Set(model.plan.versions.filter((v) => v.manifest.backend !== 'onnx').map((v) => v.version));
    return [...model.states].some(([version, state]) => state.status === 'failed' && remote.has(version));
  }

  /** Models with a problem or a version that failed to load (what --strict refuses). */
  broken(): string[] {
    return this.list()
      .filter((m) => m.plan.problem !== undefined || [...m.states.values()].some((s) => s.status === 'failed'))
      .map((m) => m.plan.name);
  }

  /** Refuses new requests, lets queued and running ones finish, releases every version and backend. */
  async close(): Promise<void> {
    await Promise.all([...this.#applying.values()].map((p) => p.catch(() => undefined)));
    for (const model of this.#models.values()) {
      for (const state of model.states.values()) if (state.status === 'ready') this.#retire(state.version);
    }
    this.#models.clear();
    this.#changed();
    await Promise.all([...this.#retiring]);
    await Promise.all(Object.values(this.options.backends).map((backend) => backend.close()));
  }
}

/**
 * A model's state as a whole: whether its default version serves; `unavailable` is a remote model
 * loaded but with no server that can answer now (all unhealthy or their breakers open).
 */
/** What of a version's manifest shapes how it is served (its scheduler): a change means a new load. */
function servingKey(version: { readonly manifest: PlannedVersion['manifest'] } | ServedVersion): string {
  const batching = 'manifest' in version ? version.manifest.serving.dynamic_batching : version.config.dynamic_batching;
  return canonicalJson(batching ?? null);
}

export function modelStatus(model: HostedModel): 'ready' | 'loading' | 'failed' | 'unavailable' {
  const state = model.defaultVersion === undefined ? undefined : model.states.get(model.defaultVersion);
  if (state?.status === 'ready') return state.version.loaded.upstream?.ready() === false ? 'unavailable' : 'ready';
  if (state?.status === 'loading') return 'loading';
  return 'failed';
}
