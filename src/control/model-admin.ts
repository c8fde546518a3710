import { Errors } from '../errors/catalogue.js';
import type { ModelHost } from '../inference/model-host.js';
import { isRemoteKind, type BackendKind } from '../model/backend-kind.js';
import type { Manifest } from '../model/manifest.js';
import { mergePatch } from '../model/merge-patch.js';
import { checkAliasName } from '../model/names.js';
import { parsePolicy, type PolicyDocument } from '../model/policy.js';
import type { ArtifactStore, StoredArtifact } from '../registry/artifact-store.js';
import {
  CHALLENGER, CHAMPION, PREVIOUS,
  type Actor, type ModelRecord, type PolicyRecord, type PolicyRevision, type Registry, type VersionRecord,
} from '../registry/registry.js';
import { plannedVersion } from './build-plan.js';
import { checkPolicy } from './check-policy.js';
import type { RegisteredVersions } from './check-shadow-target.js';
import type { PromotionGate } from './promotion-gate.js';
import { registerVersion } from './register-version.js';
import { checkServingSignature, type Force } from './signature-check.js';
import { championEndpoint, makeEndpointChampion, type Endpoint } from './remote-endpoint.js';

export interface ModelAdminDeps {
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  readonly host: ModelHost;
  /** Re-reads one model from the registry and serves what it says now (RegistrySync.syncModel). */
  readonly sync: (model: string) => Promise<void>;
  /** Re-imports the on-disk repository and re-applies the registry (one model). */
  readonly reload: (model: string) => Promise<void>;
  /** Versions kept per model after an upload (registry.retainVersions); 0 keeps all. */
  readonly retainVersions: number;
  /** The policy's promotion gate (`promotion`); promotions are not gated when absent. */
  readonly gate?: Pick<PromotionGate, 'enforce' | 'problems'>;
  /** Writes a backup before a promotion and resolves to its path (backups.beforePromotion); absent: none. */
  readonly backupBeforePromotion?: (model: string) => Promise<string>;
}

/** A policy and the revision it is at (0: none was ever set: every default applies). */
export interface PolicyView {
  readonly model: string;
  readonly revision: number;
  readonly policy: PolicyDocument;
  readonly updatedBy: Actor | null;
  readonly updatedAt: Date | null;
}

/**
 * Every change to what a model serves, whoever asks (the admin API over HTTP, the CLI through it):
 * uploads, aliases, promotion, rollback, the serving policy. Each change that makes a version serve
 * loads it first, so that a version that cannot load leaves the registry as it was (422); then the
 * registry changes (audited, announced to every replica) and this process serves it at once.
 */
export class ModelAdmin {
  constructor(private readonly deps: ModelAdminDeps) {}

  async createModel(name: string, description: string | null, actor: Actor): Promise<ModelRecord> {
    const created = await this.deps.registry.createModel(name, description, actor);
    await this.deps.sync(name);
    return created;
  }

  /** Registers an uploaded artifact as the next version (loaded once to prove it serves), optionally aliased. */
  async upload(name: string, upload: { artifact: StoredArtifact; manifest: Manifest; alias?: string }, actor: Actor): Promise<VersionRecord> {
    if (upload.alias !== undefined) checkAliasName(upload.alias);
    const { registry, artifacts, host } = this.deps;
    const record = await registerVersion({ registry, artifacts, host }, name, upload.artifact, upload.manifest, actor);
    if (upload.alias !== undefined) {
      // The version stays registered when its signature is refused: an admin may alias it, forced, later.
      await checkServingSignature(registry, await this.#model(name), record.version, upload.alias);
      await this.#preload(name, record.version);
      await registry.setAlias(name, upload.alias, record.version, actor);
    }
    if (this.deps.retainVersions > 0) await registry.applyRetention(name, this.deps.retainVersions, actor);
    await this.deps.sync(name);
    return record;
  }

  /** Points an alias at a version; `champion` only at a version of the same signature, unless an admin forces it. */
  async setAlias(name: string, alias: string, version: number, actor: Actor, options: { force?: Force } = {}): Promise<void> {
    checkAliasName(alias);
    const detail = await checkServingSignature(this.deps.registry, await this.#model(name), version, alias, options.force);
    await this.#preload(name, version);
    await this.deps.registry.setAlias(name, alias, version, actor, detail);
    await this.deps.sync(name);
  }

  async deleteAlias(name: string, alias: string, actor: Actor): Promise<void> {
    await this.deps.registry.deleteAlias(name, alias, actor);
    await this.deps.sync(name);
  }

  /**
   * challenger → champion (the old champion becomes previous): refused when its signature differs
   * from the champion's (as for setAlias) or when it fails the policy's promotion gate (409 with the
   * report), unless an admin forces it with a reason; then, once the challenger has loaded, a backup
   * when backups.beforePromotion is set, and the move. `gateChecked`: the caller judged this
   * challenger by the gate already (a canary rollout does when it starts), so it is not judged again.
   */
  async promote(name: string, actor: Actor, options: { force?: Force; gateChecked?: boolean } = {}): Promise<void> {
    const model = await this.#model(name);
    const detail = await checkServingSignature(this.deps.registry, model, model.aliases[CHALLENGER], CHAMPION, options.force);
    // The audit entry says how the challenger got past the gate: `none` when the policy has none,
    // so that a promotion nothing evaluated is visible in the history (a rollout judged it at its start).
    const gate = options.gateChecked === true ? 'passed' : await this.deps.gate?.enforce(name, actor, options) ?? 'none';
    await this.#preload(name, model.aliases[CHALLENGER]);
    const backup = await this.deps.backupBeforePromotion?.(name);
    await this.deps.registry.promote(name, actor, { ...detail, gate, ...(backup === undefined ? {} : { backup }) });
    await this.deps.sync(name);
  }

  /** champion ← previous, once previous has loaded. */
  async rollback(name: string, actor: Actor): Promise<void> {
    await this.#preload(name, (await this.#model(name)).aliases[PREVIOUS]);
    await this.deps.registry.rollback(name, actor);
    await this.deps.sync(name);
  }

  async deleteVersion(name: string, version: number, actor: Actor): Promise<void> {
    await this.deps.registry.deleteVersion(name, version, actor);
    await this.deps.sync(name);
  }

  async reload(name: string): Promise<void> {
    await this.#model(name);
    await this.deps.reload(name);
  }

  async policy(name: string): Promise<PolicyView> {
    return view(name, await this.deps.registry.getPolicy(name));
  }

  policyHistory(name: string, options: { limit?: number; beforeRevision?: number }): Promise<PolicyRevision[]> {
    return this.deps.registry.policyHistory(name, options);
  }

  /**
   * Replaces the model's policy. Checked in full first (400 listing every problem, nothing
   * changed); `expectedRevision` refuses a change based on an older revision (412). A remote
   * model's endpoint that changes in more than its servers is a new version, made champion; its
   * servers alone change live, on every replica.
   */
  async setPolicy(name: string, document: unknown, actor: Actor, expectedRevision?: number): Promise<PolicyView> {
    const backend = await this.#backendOf(name);
    const checked = checkPolicy(document, backend, await this.#registered(name));
    const gate = checked.policy.promotion && this.deps.gate ? await this.deps.gate.problems(name, checked.policy.promotion) : [];
    if (gate.length > 0) throw Errors.policyInvalid(gate);
    if (backend !== undefined && isRemoteKind(backend)) await this.#followEndpoint(name, backend, checked.document, actor);
    const record = await this.deps.registry.setPolicy(name, checked.document, actor, expectedRevision === undefined ? {} : { expectedRevision });
    await this.deps.sync(name);
    return view(name, record);
  }

  /** Applies an RFC 7396 merge patch to the current policy, then as `setPolicy`. */
  async patchPolicy(name: string, patch: unknown, actor: Actor, expectedRevision?: number): Promise<PolicyView> {
    const current = await this.policy(name);
    if (expectedRevision !== undefined && expectedRevision !== current.revision) throw Errors.policyConflict(name, current.revision, expectedRevision);
    return this.setPolicy(name, mergePatch(current.policy, patch), actor, current.revision);
  }

  /** A remote model's server list, as a change of its policy: it lasts, and every replica applies it. */
  async setServers(name: string, servers: readonly string[], actor: Actor): Promise<PolicyView> {
    const backend = await this.#backendOf(name);
    if (backend === undefined || !isRemoteKind(backend)) {
      throw Errors.notSupported('a server list', name, 'only remote models (backend kserve or openai) have servers');
    }
    const key = backend === 'kserve' ? 'servers' : 'base_urls';
    const current = await this.policy(name);
    const section = { ...(current.policy[backend] as object | undefined ?? (await championEndpoint(this.deps, name))?.[backend] ?? {}), [key]: servers };
    return this.setPolicy(name, { ...current.policy, [backend]: section }, actor, current.revision);
  }

  /** Makes the champion serve the policy's endpoint when it differs from the champion's in more than its servers. */
  async #followEndpoint(name: string, backend: 'kserve' | 'openai', document: PolicyDocument, actor: Actor): Promise<void> {
    const section = document[backend] as Record<string, unknown> | undefined;
    if (section === undefined && document.resilience === undefined) return;
    const current = await championEndpoint(this.deps, name);
    if (!current) return;
    const next: Endpoint = { backend, [backend]: section ?? current[backend], resilience: (document.resilience ?? current.resilience) as Endpoint['resilience'] };
    const key = backend === 'kserve' ? 'servers' : 'base_urls';
    const withoutServers = (endpoint: Endpoint) => JSON.stringify({ ...endpoint, [backend]: { ...(endpoint[backend] ?? {}), [key]: undefined } });
    if (withoutServers(current) === withoutServers(next)) return;
    await makeEndpointChampion(this.deps, name, next, actor);
  }

  /** Loads the version an alias is about to point at, as the model's policy serves it, so that a failure leaves the registry as it was. */
  async #preload(name: string, version: number | undefined): Promise<void> {
    if (version === undefined) return;
    const record = await this.deps.registry.getVersion(name, version);
    if (!record) throw Errors.versionNotFound(name, String(version));
    const stored = await this.deps.registry.getPolicy(name);
    const parsed = parsePolicy(stored?.policy ?? {});
    await this.deps.host.preload(name, plannedVersion(record, this.deps.artifacts, 'policy' in parsed ? parsed.policy : {}));
  }

  async #model(name: string): Promise<ModelRecord> {
    const record = await this.deps.registry.getModel(name);
    if (!record) throw Errors.modelNotFound(name);
    return record;
  }

  /** What a policy of the model may name: its live versions and aliases. */
  async #registered(name: string): Promise<RegisteredVersions> {
    const [model, versions] = await Promise.all([this.#model(name), this.deps.registry.listVersions(name)]);
    return { model: name, versions: versions.map((v) => v.version), aliases: model.aliases };
  }

  /** The backend of the model's serving version (champion, else latest); undefined before its first version. */
  async #backendOf(name: string): Promise<BackendKind | undefined> {
    const model = await this.#model(name);
    const number = model.aliases[CHAMPION] ?? model.latestVersion;
    if (number === null || number === undefined) return undefined;
    return (await this.deps.registry.getVersion(name, number))?.manifest.backend;
  }
}

function view(model: string, record: PolicyRecord | undefined): PolicyView {
  return record
    ? { model, revision: record.revision, policy: record.policy, updatedBy: record.updatedBy, updatedAt: record.updatedAt }
    : { model, revision: 0, policy: {}, updatedBy: null, updatedAt: null };
}
