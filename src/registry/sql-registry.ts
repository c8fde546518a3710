import { Errors } from '../errors/catalogue.js';
import type { Database, Queryable } from '../store/database.js';
import { appendAudit, readAudit, type AuditChange } from './audit-log.js';
import { manifestSchema, type Manifest } from '../model/manifest.js';
import { readModel, readModels } from './read-models.js';
import { readPolicies, readPolicyHistory, writePolicy } from './policies.js';
import { readVersions } from './read-versions.js';
import type { PolicyDocument } from '../model/policy.js';
import { checkAliasName, checkName, isVersionNumber } from '../model/names.js';
import {
  CHALLENGER, CHAMPION, PREVIOUS,
  type Actor, type AuditDetail, type AuditEntry, type ModelRecord, type PolicyRecord, type PolicyRevision, type Registry, type VersionRecord,
} from './registry.js';

/** The notification channel every registry change is announced on; the payload is the model name. */
export const REGISTRY_CHANNEL = 'umbral_registry';

const HISTORY_DEFAULT_LIMIT = 100;
const HISTORY_MAX_LIMIT = 1000;
const MAX_DESCRIPTION = 2000;
const SHA256 = /^[0-9a-f]{64}$/;

type Log = (change: AuditChange) => Promise<void>;

/** The registry in PostgreSQL (embedded PGlite or a server), through the store's Database. */
export class SqlRegistry implements Registry {
  constructor(private readonly db: Database) {}

  async createModel(name: string, description: string | null, actor: Actor): Promise<ModelRecord> {
    checkName('model', name);
    if (description !== null && description.length > MAX_DESCRIPTION) {
      throw Errors.invalidRequest('description', `must be at most ${MAX_DESCRIPTION} characters`);
    }
    return this.change(name, actor, async (tx, log) => {
      const inserted = await tx.query(
        `INSERT INTO umbral_models (name, description, created_by) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING RETURNING name`, [name, description, actor]);
      if (inserted.length === 0) throw Errors.modelExists(name);
      await log({ action: 'model.create', to: name });
      return mustReadModel(tx, name);
    });
  }

  getModel(name: string): Promise<ModelRecord | undefined> {
    return readModel(this.db, name);
  }

  listModels(): Promise<ModelRecord[]> {
    return readModels(this.db);
  }

  async addVersion(
    model: string,
    version: { artifactSha256: string; artifactSize: number; manifest: Manifest; tags?: readonly string[] },
    actor: Actor,
  ): Promise<VersionRecord> {
    checkName('model', model);
    const tags = [...new Set(version.tags ?? [])].sort();
    for (const tag of tags) checkName('tag', tag);
    const manifest = parseManifest(version.manifest);
    if (!SHA256.test(version.artifactSha256)) {
      throw Errors.invalidRequest('artifactSha256', 'must be 64 lowercase hexadecimal digits');
    }
    if (!Number.isSafeInteger(version.artifactSize) || version.artifactSize < 0) {
      throw Errors.invalidRequest('artifactSize', 'must be a whole number of bytes, 0 or more');
    }
    return this.change(model, actor, async (tx, log) => {
      const created = await tx.query(
        `INSERT INTO umbral_models (name, description, created_by) VALUES ($1, NULL, $2)
         ON CONFLICT (name) DO NOTHING RETURNING name`, [model, actor]);
      if (created.length > 0) await log({ action: 'model.create', to: model });
      await lockModel(tx, model);
      const [existing] = await tx.query<{ version: number }>(
        'SELECT version FROM umbral_versions WHERE model = $1 AND artifact_sha256 = $2 AND deleted_at IS NULL',
        [model, version.artifactSha256]);
      if (existing) throw Errors.duplicateVersion(model, Number(existing.version));
      // Deleted versions count: a number, once given, always means the same artifact.
      const [next] = await tx.query<{ number: number }>(
        'SELECT COALESCE(MAX(version), 0) + 1 AS number FROM umbral_versions WHERE model = $1', [model]);
      const number = Number(next?.number);
      await tx.query(
        `INSERT INTO umbral_versions (model, version, artifact_sha256, artifact_size, manifest, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [model, number, version.artifactSha256, version.artifactSize, JSON.stringify(manifest), actor]);
      await log({ action: 'version.create', to: number });
      for (const tag of tags) {
        await tx.query('INSERT INTO umbral_version_tags (model, version, tag) VALUES ($1, $2, $3)', [model, number, tag]);
        await log({ action: 'version.tag', subject: tag, to: number });
      }
      const [record] = await readVersions(tx, model, number);
      return record as VersionRecord;
    });
  }

  async getVersion(model: string, version: number): Promise<VersionRecord | undefined> {
    if (!isVersionNumber(version)) return undefined;
    return (await readVersions(this.db, model, version))[0];
  }

  async listVersions(model: string): Promise<VersionRecord[]> {
    const versions = await readVersions(this.db, model);
    if (versions.length === 0 && !(await readModel(this.db, model))) throw Errors.modelNotFound(model);
    return versions;
  }

  async setAlias(model: string, alias: string, version: number, actor: Actor, detail?: AuditDetail): Promise<void> {
    checkName('model', model);
    checkAliasName(alias);
    await this.change(model, actor, async (tx, log) => {
      const aliases = await lockAliases(tx, model);
      await liveVersion(tx, model, version);
      const next = new Map(aliases).set(alias, version);
      await moveAliases(tx, model, aliases, next, 'alias.set', log, detail);
    });
  }

  async deleteAlias(model: string, alias: string, actor: Actor): Promise<void> {
    checkName('model', model);
    checkName('alias', alias);
    await this.change(model, actor, async (tx, log) => {
      const aliases = await lockAliases(tx, model);
      if (!aliases.has(alias)) throw Errors.aliasNotFound(model, alias);
      const next = new Map(aliases);
      next.delete(alias);
      await moveAliases(tx, model, aliases, next, 'alias.delete', log);
    });
  }

  async promote(model: string, actor: Actor, detail?: AuditDetail): Promise<ModelRecord> {
    checkName('model', model);
    return this.change(model, actor, async (tx, log) => {
      const aliases = await lockAliases(tx, model);
      const challenger = aliases.get(CHALLENGER);
      if (challenger === undefined) throw Errors.nothingToPromote(model, CHALLENGER);
      const champion = aliases.get(CHAMPION);
      const next = new Map(aliases).set(CHAMPION, challenger);
      // Promoting the champion's own version changes nothing to roll back to: keep `previous` as it is.
      if (champion !== undefined && champion !== challenger) next.set(PREVIOUS, champion);
      next.delete(CHALLENGER);
      await moveAliases(tx, model, aliases, next, 'promote', log, detail);
      return mustReadModel(tx, model);
    });
  }

  async rollback(model: string, actor: Actor): Promise<ModelRecord> {
    checkName('model', model);
    return this.change(model, actor, async (tx, log) => {
      const aliases = await lockAliases(tx, model);
      const previous = aliases.get(PREVIOUS);
      if (previous === undefined) throw Errors.nothingToPromote(model, PREVIOUS);
      const champion = aliases.get(CHAMPION);
      const next = new Map(aliases).set(CHAMPION, previous);
      if (champion === undefined) next.delete(PREVIOUS);
      else next.set(PREVIOUS, champion);
      await moveAliases(tx, model, aliases, next, 'rollback', log);
      return mustReadModel(tx, model);
    });
  }

  async tag(model: string, version: number, tag: string, actor: Actor): Promise<void> {
    checkName('model', model);
    checkName('tag', tag);
    await this.change(model, actor, async (tx, log) => {
      await lockModel(tx, model);
      await liveVersion(tx, model, version);
      const added = await tx.query(
        `INSERT INTO umbral_version_tags (model, version, tag) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING tag`, [model, version, tag]);
      if (added.length > 0) await log({ action: 'version.tag', subject: tag, to: version });
    });
  }

  async untag(model: string, version: number, tag: string, actor: Actor): Promise<void> {
    checkName('model', model);
    checkName('tag', tag);
    await this.change(model, actor, async (tx, log) => {
      await lockModel(tx, model);
      await liveVersion(tx, model, version);
      const removed = await tx.query(
        'DELETE FROM umbral_version_tags WHERE model = $1 AND version = $2 AND tag = $3 RETURNING tag', [model, version, tag]);
      if (removed.length > 0) await log({ action: 'version.untag', subject: tag, from: version });
    });
  }

  async deleteVersion(model: string, version: number, actor: Actor): Promise<void> {
    checkName('model', model);
    await this.change(model, actor, async (tx, log) => {
      const aliases = await lockAliases(tx, model);
      await liveVersion(tx, model, version);
      const pointing = [...aliases].filter(([, v]) => v === version).map(([alias]) => alias).sort();
      if (pointing.length > 0) throw Errors.versionAliased(model, version, pointing);
      await markDeleted(tx, model, [version], actor);
      await log({ action: 'version.delete', from: version });
    });
  }

  async applyRetention(model: string, keep: number, actor: Actor): Promise<number[]> {
    checkName('model', model);
    if (!Number.isSafeInteger(keep) || keep < 1) {
      // 0 would retire every unaliased version; "keep everything" is not calling this at all.
      throw Errors.invalidRequest('keep', 'must be a whole number of versions, 1 or more');
    }
    return this.change(model, actor, async (tx, log) => {
      const aliased = new Set((await lockAliases(tx, model)).values());
      const live = await tx.query<{ version: number }>(
        'SELECT version FROM umbral_versions WHERE model = $1 AND deleted_at IS NULL ORDER BY version DESC', [model]);
      const retired = live.slice(keep).map((row) => Number(row.version)).filter((v) => !aliased.has(v)).reverse();
      await markDeleted(tx, model, retired, actor);
      for (const version of retired) await log({ action: 'version.retire', from: version });
      return retired;
    });
  }

  async history(model: string, options: { limit?: number; beforeId?: number } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? HISTORY_DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) throw Errors.invalidRequest('limit', 'must be a whole number, 1 or more');
    const { beforeId } = options;
    if (beforeId !== undefined && (!Number.isSafeInteger(beforeId) || beforeId < 1)) {
      throw Errors.invalidRequest('beforeId', 'must be the id of an audit entry');
    }
    if (!(await readModel(this.db, model))) throw Errors.modelNotFound(model);
    return readAudit(this.db, model, Math.min(limit, HISTORY_MAX_LIMIT), beforeId);
  }

  async getPolicy(model: string): Promise<PolicyRecord | undefined> {
    if (!(await readModel(this.db, model))) throw Errors.modelNotFound(model);
    const [record] = await readPolicies(this.db, model);
    return record && withoutSeed(record);
  }

  async listPolicies(): Promise<PolicyRecord[]> {
    return (await readPolicies(this.db)).map(withoutSeed);
  }

  setPolicy(model: string, policy: PolicyDocument, actor: Actor, options: { expectedRevision?: number } = {}): Promise<PolicyRecord> {
    return this.change(model, actor, async (tx, log) => {
      await lockModel(tx, model);
      const { record, changes, previous } = await writePolicy(tx, model, policy, actor, { expectedRevision: options.expectedRevision });
      if (changes.length > 0) await log({ action: 'policy.set', subject: `revision ${record.revision}`, from: previous || null, to: record.revision });
      return record;
    });
  }

  seedPolicy(model: string, policy: PolicyDocument, sha256: string, actor: Actor): Promise<PolicyRecord | undefined> {
    return this.change(model, actor, async (tx, log) => {
      await lockModel(tx, model);
      const [current] = await readPolicies(tx, model);
      if (current && current.seededSha256 === sha256) return withoutSeed(current);
      const { record, changes, previous } = await writePolicy(tx, model, policy, actor, { seededSha256: sha256 });
      if (changes.length > 0) await log({ action: 'policy.set', subject: `revision ${record.revision}`, from: previous || null, to: record.revision });
      return record;
    });
  }

  async policyHistory(model: string, options: { limit?: number; beforeRevision?: number } = {}): Promise<PolicyRevision[]> {
    const { limit = HISTORY_DEFAULT_LIMIT, beforeRevision } = options;
    if (!Number.isSafeInteger(limit) || limit < 1) throw Errors.invalidRequest('limit', 'must be a positive integer');
    if (beforeRevision !== undefined && (!Number.isSafeInteger(beforeRevision) || beforeRevision < 1)) {
      throw Errors.invalidRequest('before', 'must be a revision number');
    }
    if (!(await readModel(this.db, model))) throw Errors.modelNotFound(model);
    return readPolicyHistory(this.db, model, Math.min(limit, HISTORY_MAX_LIMIT), beforeRevision);
  }

  async recordDecision(model: string, actor: Actor, decision: Parameters<Registry['recordDecision']>[2]): Promise<void> {
    checkName('model', model);
    await this.db.transaction(async (tx) => {
      await lockModel(tx, model);
      await appendAudit(tx, model, actor, decision);
    });
  }

  /**
   * Runs one change in one transaction: `work` logs what it does; when it logged anything, replicas
   * are notified (on commit). A throw rolls everything back, so a refused request changes nothing.
   */
  private change<T>(model: string, actor: Actor, work: (tx: Queryable, log: Log) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      let changed = false;
      const result = await work(tx, async (change) => {
        changed = true;
        await appendAudit(tx, model, actor, change);
      });
      if (changed) await this.db.notify(REGISTRY_CHANNEL, model, tx);
      return result;
    });
  }
}

function withoutSeed({ model, revision, policy, updatedBy, updatedAt }: PolicyRecord): PolicyRecord {
  return { model, revision, policy, updatedBy, updatedAt };
}

function parseManifest(manifest: Manifest): Manifest {
  const parsed = manifestSchema.safeParse(manifest);
  if (parsed.success) return parsed.data;
  throw Errors.manifestInvalid(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}

/** Locks the model's row until the transaction ends, so that changes to one model run one at a time. */
async function lockModel(tx: Queryable, model: string): Promise<void> {
  const rows = await tx.query('SELECT name FROM umbral_models WHERE name = $1 FOR UPDATE', [model]);
  if (rows.length === 0) throw Errors.modelNotFound(model);
}

/** Locks the model and returns its aliases (alias → version). */
async function lockAliases(tx: Queryable, model: string): Promise<Map<string, number>> {
  await lockModel(tx, model);
  const rows = await tx.query<{ alias: string; version: number }>(
    'SELECT alias, version FROM umbral_aliases WHERE model = $1 ORDER BY alias', [model]);
  return new Map(rows.map((row) => [row.alias, Number(row.version)]));
}

async function liveVersion(tx: Queryable, model: string, version: number): Promise<void> {
  const rows = isVersionNumber(version)
    ? await tx.query('SELECT 1 FROM umbral_versions WHERE model = $1 AND version = $2 AND deleted_at IS NULL', [model, version])
    : [];
  if (rows.length === 0) throw Errors.versionNotFound(model, String(version));
}

/** Writes the aliases that differ between `from` and `to`, logging each move under `action`. */
async function moveAliases(
  tx: Queryable, model: string, from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>,
  action: AuditEntry['action'], log: Log, detail?: AuditDetail,
): Promise<void> {
  for (const alias of new Set([...to.keys(), ...from.keys()])) {
    const before = from.get(alias);
    const after = to.get(alias);
    if (before === after) continue;
    if (after === undefined) {
      await tx.query('DELETE FROM umbral_aliases WHERE model = $1 AND alias = $2', [model, alias]);
    } else {
      await tx.query(
        `INSERT INTO umbral_aliases (model, alias, version) VALUES ($1, $2, $3)
         ON CONFLICT (model, alias) DO UPDATE SET version = EXCLUDED.version`, [model, alias, after]);
    }
    await log({ action, subject: alias, from: before ?? null, to: after ?? null, detail });
  }
}

async function markDeleted(tx: Queryable, model: string, versions: readonly number[], actor: Actor): Promise<void> {
  if (versions.length === 0) return;
  await tx.query(
    'UPDATE umbral_versions SET deleted_at = now(), deleted_by = $3 WHERE model = $1 AND version = ANY($2::int[])',
    [model, versions, actor]);
}

async function mustReadModel(tx: Queryable, model: string): Promise<ModelRecord> {
  const record = await readModel(tx, model);
  if (!record) throw Errors.modelNotFound(model);
  return record;
}
