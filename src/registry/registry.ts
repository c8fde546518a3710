import type { Manifest } from '../model/manifest.js';
import type { PolicyDocument } from '../model/policy.js';
import type { PolicyChange } from '../model/policy-diff.js';

/** Who made a change: a user or key id, `system` for start-up seeding, `cli` without access control. */
export type Actor = string;

export interface ModelRecord {
  readonly name: string;
  readonly description: string | null;
  readonly createdBy: Actor;
  readonly createdAt: Date;
  /** Alias name → version number. */
  readonly aliases: Readonly<Record<string, number>>;
  /** Highest live (not deleted) version number, if any. */
  readonly latestVersion: number | null;
}

export interface VersionRecord {
  readonly model: string;
  readonly version: number;
  /** Content address of the artifact (hex sha256) and its size in bytes. */
  readonly artifactSha256: string;
  readonly artifactSize: number;
  readonly manifest: Manifest;
  readonly tags: readonly string[];
  readonly createdBy: Actor;
  readonly createdAt: Date;
}

/** One append-only audit entry: who did what, when, from what to what. */
export interface AuditEntry {
  readonly id: number;
  readonly model: string;
  readonly actor: Actor;
  readonly at: Date;
  readonly action:
    | 'model.create' | 'version.create' | 'version.delete' | 'version.retire' | 'version.tag' | 'version.untag'
    | 'alias.set' | 'alias.delete' | 'promote' | 'rollback' | 'policy.set'
    | 'gate.passed' | 'gate.failed' | 'gate.forced';
  /** The alias or tag concerned, when any. */
  readonly subject: string | null;
  readonly from: string | null;
  readonly to: string | null;
  /** More about the change, when it carries any (a forced promotion: `{forced: {reason, differences}}`). */
  readonly detail: Readonly<Record<string, unknown>> | null;
}

/** A model's serving policy as stored (src/model/policy.ts); a model that never had one has none. */
export interface PolicyRecord {
  readonly model: string;
  /** 1 for the first policy, one more for each change. */
  readonly revision: number;
  /** The policy as written: model.yaml's keys, only those given. */
  readonly policy: PolicyDocument;
  readonly updatedBy: Actor;
  readonly updatedAt: Date;
}

/** One revision of a model's policy: who made it, when, what changed, and the policy it made. */
export interface PolicyRevision {
  readonly revision: number;
  readonly actor: Actor;
  readonly at: Date;
  readonly changes: readonly PolicyChange[];
  readonly policy: PolicyDocument;
}

/** What an audit entry records beyond from and to (AuditEntry.detail). */
export type AuditDetail = Readonly<Record<string, unknown>>;

/** The aliases promote and rollback move. */
export const CHAMPION = 'champion';
export const CHALLENGER = 'challenger';
export const PREVIOUS = 'previous';

/**
 * The model registry: models, immutable versions, mutable aliases and an append-only audit log, in
 * the database. Every change is one transaction that writes its audit entry and notifies replicas
 * (channel `umbral_registry`, payload: the model name). Bad requests throw catalogue 4xx errors and
 * leave the registry unchanged.
 */
export interface Registry {
  createModel(name: string, description: string | null, actor: Actor): Promise<ModelRecord>;
  getModel(name: string): Promise<ModelRecord | undefined>;
  listModels(): Promise<ModelRecord[]>;
  /** Registers the next version number of `model` (created when absent). */
  addVersion(model: string, version: { artifactSha256: string; artifactSize: number; manifest: Manifest; tags?: readonly string[] }, actor: Actor): Promise<VersionRecord>;
  getVersion(model: string, version: number): Promise<VersionRecord | undefined>;
  /** Live versions, highest first. */
  listVersions(model: string): Promise<VersionRecord[]>;
  /** Points `alias` at `version`; `detail` goes into the audit entry of the move. */
  setAlias(model: string, alias: string, version: number, actor: Actor, detail?: AuditDetail): Promise<void>;
  deleteAlias(model: string, alias: string, actor: Actor): Promise<void>;
  /** challenger → champion; the old champion becomes previous; challenger is removed. */
  promote(model: string, actor: Actor, detail?: AuditDetail): Promise<ModelRecord>;
  /** champion ← previous; the rolled-back champion becomes previous (so a second rollback undoes it). */
  rollback(model: string, actor: Actor): Promise<ModelRecord>;
  tag(model: string, version: number, tag: string, actor: Actor): Promise<void>;
  untag(model: string, version: number, tag: string, actor: Actor): Promise<void>;
  /** Deletes a version no alias points to (its row stays, marked deleted, for the audit trail). */
  deleteVersion(model: string, version: number, actor: Actor): Promise<void>;
  /** Retires the oldest versions beyond `keep`, never an aliased one. Returns the retired numbers. */
  applyRetention(model: string, keep: number, actor: Actor): Promise<number[]>;
  /**
   * Appends an audit entry for a decision that changes nothing by itself (a promotion gate's
   * verdict, with its report in `detail`); no replica needs to hear of it.
   */
  recordDecision(model: string, actor: Actor, decision: {
    action: 'gate.passed' | 'gate.failed' | 'gate.forced'; subject?: string; from?: number; to?: number; detail: Readonly<Record<string, unknown>>;
  }): Promise<void>;
  /** Audit entries of a model, newest first. */
  history(model: string, options?: { limit?: number; beforeId?: number }): Promise<AuditEntry[]>;
  /** The model's policy; undefined when none was ever set (the defaults apply). 404 for an unknown model. */
  getPolicy(model: string): Promise<PolicyRecord | undefined>;
  /** Every stored policy. */
  listPolicies(): Promise<PolicyRecord[]>;
  /**
   * Replaces the model's policy (checked by the caller) as a new revision, with its history entry
   * and an audit entry in the same transaction. `expectedRevision` (0 = none yet) refuses with 412
   * a change based on an older revision. A policy equal to the current one changes nothing.
   */
  setPolicy(model: string, policy: PolicyDocument, actor: Actor, options?: { expectedRevision?: number }): Promise<PolicyRecord>;
  /**
   * The policy a model.yaml holds, identified by `sha256`: written as a new revision when it differs
   * from the model.yaml that last wrote the policy (the file changed), left alone otherwise, so that
   * changes made since through the admin API stand. Resolves the policy now stored.
   */
  seedPolicy(model: string, policy: PolicyDocument, sha256: string, actor: Actor): Promise<PolicyRecord | undefined>;
  /** Revisions of a model's policy, newest first; only those before `beforeRevision` when given. */
  policyHistory(model: string, options?: { limit?: number; beforeRevision?: number }): Promise<PolicyRevision[]>;
}
