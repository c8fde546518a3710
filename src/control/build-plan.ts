import type { Limits } from '../access/principal.js';
import type { CachePolicy } from '../cache/cache-policy.js';
import type { ModelPlan } from '../inference/model-plan.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import { CHAMPION, type ModelRecord, type VersionRecord } from '../registry/registry.js';

/** What the on-disk repository says of a model beside the registry: readiness and import problems. */
export interface DiskNotes {
  readonly required: boolean;
  readonly problem?: string;
  /** model.yaml `rate_limit`, per caller. */
  readonly limits?: Limits;
  /** model.yaml `fallback`: models (`name` or `name:version`) that answer when this one cannot. */
  readonly fallback?: readonly string[];
  /** model.yaml `cache`, when present and enabled. */
  readonly cache?: CachePolicy;
}

/** The serving plan of one model: its live versions, aliases, and champion (else latest) as default. */
export function buildPlan(
  model: ModelRecord,
  versions: readonly VersionRecord[],
  artifacts: ArtifactStore,
  notes: DiskNotes | undefined,
): ModelPlan {
  const aliases = Object.fromEntries(Object.entries(model.aliases).map(([alias, v]) => [alias, String(v)]));
  const champion = aliases[CHAMPION];
  const latest = versions[0] ? String(versions[0].version) : undefined;
  return {
    name: model.name,
    // A model with nothing to serve yet (just created) does not hold the server's readiness back.
    required: versions.length > 0 && (notes?.required ?? true),
    problem: versions.length === 0 ? (notes?.problem ?? 'it has no version yet') : undefined,
    versions: versions.map((v) => ({ version: String(v.version), artifactPath: artifacts.path(v.artifactSha256), manifest: v.manifest })),
    aliases,
    defaultVersion: champion ?? latest,
    ...(notes?.limits ? { limits: notes.limits } : {}),
    ...(notes?.fallback ? { fallback: notes.fallback } : {}),
    ...(notes?.cache ? { cache: notes.cache } : {}),
  };
}

/** A plan for a model that exists only on disk and could not be imported. */
export function brokenPlan(name: string, notes: DiskNotes & { problem: string }): ModelPlan {
  return { name, required: notes.required, problem: notes.problem, versions: [], aliases: {}, defaultVersion: undefined };
}
