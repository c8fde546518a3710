import type { Manifest } from '../model/manifest.js';

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
    | 'alias.set' | 'alias.delete' | 'promote' | 'rollback';
  /** The alias or tag concerned, when any. */
  readonly subject: string | null;
  readonly from: string | null;
  readonly to: string | null;
}

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
  setAlias(model: string, alias: string, version: number, actor: Actor): Promise<void>;
  deleteAlias(model: string, alias: string, actor: Actor): Promise<void>;
  /** challenger → champion; the old champion becomes previous; challenger is removed. */
  promote(model: string, actor: Actor): Promise<ModelRecord>;
  /** champion ← previous; the rolled-back champion becomes previous (so a second rollback undoes it). */
  rollback(model: string, actor: Actor): Promise<ModelRecord>;
  tag(model: string, version: number, tag: string, actor: Actor): Promise<void>;
  untag(model: string, version: number, tag: string, actor: Actor): Promise<void>;
  /** Deletes a version no alias points to (its row stays, marked deleted, for the audit trail). */
  deleteVersion(model: string, version: number, actor: Actor): Promise<void>;
  /** Retires the oldest versions beyond `keep`, never an aliased one. Returns the retired numbers. */
  applyRetention(model: string, keep: number, actor: Actor): Promise<number[]>;
  /** Audit entries of a model, newest first. */
  history(model: string, options?: { limit?: number; beforeId?: number }): Promise<AuditEntry[]>;
}
