import type { Logger } from 'pino';
import type { ModelHost } from '../inference/model-host.js';
import type { ModelPlan } from '../inference/model-plan.js';
import type { Database } from '../store/database.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import { brokenPlan, buildPlan, type SeedNote } from './build-plan.js';
import type { Registry } from '../registry/registry.js';
import { REGISTRY_CHANNEL } from '../registry/sql-registry.js';

export interface RegistrySyncDeps {
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  readonly host: ModelHost;
  readonly db: Database;
  readonly logger: Logger;
  readonly resyncIntervalMs: number;
  /** What seeding from the on-disk repository found (models that could not be imported, model.yaml policies). */
  readonly notes: ReadonlyMap<string, SeedNote>;
}

/**
 * Keeps what this process serves equal to the registry (versions, aliases and policy): every model at start, one model on each
 * change notification (from this or any replica on the same database), and everything again every
 * `resyncIntervalMs` in case a notification was lost. A model whose plan did not change is left as
 * it is; the database being unreachable leaves the current versions serving.
 */
export class RegistrySync {
  readonly #applied = new Map<string, string>();
  readonly #running = new Map<string, Promise<void>>();
  #unlisten: (() => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RegistrySyncDeps) {}

  async start(): Promise<void> {
    await this.syncAll();
    this.#unlisten = await this.deps.db.listen(REGISTRY_CHANNEL, (model) => void this.syncModel(model).catch((error: unknown) => this.#warn(model, error)));
    this.#timer = setInterval(() => void this.syncAll().catch((error: unknown) => this.#warn('*', error)), this.deps.resyncIntervalMs);
    this.#timer.unref();
  }

  async syncAll(): Promise<void> {
    const models = await this.deps.registry.listModels();
    const names = new Set([...models.map((m) => m.name), ...this.deps.notes.keys()]);
    await Promise.all([...names].map((name) => this.syncModel(name)));
  }

  /**
   * Re-reads one model and applies it; `force` re-applies an unchanged plan (an explicit reload).
   * Syncs of one model run one after another, so that an older read is never applied after a newer.
   */
  syncModel(name: string, force = false): Promise<void> {
    const next = (this.#running.get(name) ?? Promise.resolve()).catch(() => undefined).then(() => this.#sync(name, force));
    this.#running.set(name, next);
    return next;
  }

  async #sync(name: string, force: boolean): Promise<void> {
    const { registry, artifacts, notes } = this.deps;
    const model = await registry.getModel(name);
    const note = notes.get(name);
    let plan: ModelPlan;
    if (model) plan = buildPlan(model, await registry.listVersions(name), artifacts, (await registry.getPolicy(name))?.policy, note);
    else if (note?.problem) plan = brokenPlan(name, { ...note, problem: note.problem });
    else return;
    const fingerprint = JSON.stringify(plan);
    if (!force && this.#applied.get(name) === fingerprint && !this.deps.host.hasFailedRemote(name)) return;
    this.#applied.set(name, fingerprint);
    await this.deps.host.apply(plan);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#unlisten?.();
  }

  #warn(model: string, error: unknown): void {
    this.deps.logger.warn({ model, err: error }, 'registry sync failed; the current versions keep serving');
  }
}
