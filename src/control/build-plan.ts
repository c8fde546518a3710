import type { Limits } from '../access/principal.js';
import { cachePolicy } from '../cache/cache-policy.js';
import type { ModelPlan, PlannedVersion, PredictionLogPlan, ServingLimits, ShadowPlan } from '../inference/model-plan.js';
import type { Manifest } from '../model/manifest.js';
import { parsePolicy, type ModelPolicy, type PolicyDocument } from '../model/policy.js';
import { shadowTarget } from '../model/shadow-policy.js';
import type { ArtifactStore } from '../registry/artifact-store.js';
import { CHAMPION, type ModelRecord, type VersionRecord } from '../registry/registry.js';
import { trafficPlan } from './traffic-plan.js';

/** What seeding from the on-disk repository found of a model beside the registry. */
export interface SeedNote {
  /** Why the model cannot be served at all (a broken model.yaml, an artifact that cannot be imported). */
  readonly problem?: string;
  /** model.yaml's policy: the one in force for a model the registry does not hold (it could not be imported). */
  readonly policy: PolicyDocument;
}

/**
 * The serving plan of one model: its live versions, aliases, champion (else latest) as default,
 * and how its policy says to serve them (src/model/policy.ts).
 */
export function buildPlan(
  model: ModelRecord,
  versions: readonly VersionRecord[],
  artifacts: ArtifactStore,
  document: PolicyDocument | undefined,
  note: SeedNote | undefined,
): ModelPlan {
  const aliases = Object.fromEntries(Object.entries(model.aliases).map(([alias, v]) => [alias, String(v)]));
  const champion = aliases[CHAMPION];
  const latest = versions[0] ? String(versions[0].version) : undefined;
  const { policy, problem } = checked(document ?? note?.policy ?? {});
  const traffic = trafficPlan(model.name, policy.traffic);
  return {
    name: model.name,
    // A model with nothing to serve yet (just created) does not hold the server's readiness back.
    required: versions.length > 0 && (policy.required ?? true),
    problem: versions.length === 0 ? (note?.problem ?? 'it has no version yet') : problem,
    versions: versions.map((v) => plannedVersion(v, artifacts, policy)),
    aliases,
    defaultVersion: champion ?? latest,
    ...servingOf(policy),
    ...shadowOf(policy.traffic?.shadow, aliases),
    ...(traffic ? { traffic } : {}),
  };
}

/** A plan for a model that exists only on disk and could not be imported. */
export function brokenPlan(name: string, note: SeedNote & { problem: string }): ModelPlan {
  const { policy } = checked(note.policy);
  return { name, required: policy.required ?? true, problem: note.problem, versions: [], aliases: {}, defaultVersion: undefined };
}

/** The policy's parts the data plane reads per request. */
function servingOf(policy: ModelPolicy): Partial<ModelPlan> {
  const limits = rateLimits(policy.rate_limit);
  const cache = cachePolicy(policy.cache);
  const serving: ServingLimits = {
    ...(policy.limits?.timeout_ms ? { timeoutMs: policy.limits.timeout_ms } : {}),
    ...(policy.limits?.max_elements ? { maxElements: policy.limits.max_elements } : {}),
  };
  const servers = policy.kserve?.servers ?? policy.openai?.base_urls;
  const predictionLog = predictionLogPlan(policy.prediction_log);
  return {
    ...(limits ? { limits } : {}),
    ...(policy.fallback && policy.fallback.length > 0 ? { fallback: policy.fallback } : {}),
    ...(cache ? { cache } : {}),
    ...(Object.keys(serving).length > 0 ? { serving } : {}),
    ...(Array.isArray(servers) && servers.every((s) => typeof s === 'string') ? { servers: servers as string[] } : {}),
    ...(predictionLog ? { predictionLog } : {}),
  };
}

/**
 * Policy `prediction_log`: absent logs nothing; present, it logs every request (`sample_rate` 1) with
 * the full payload unless it says otherwise. A sample rate of 0 is the same as no section.
 */
export function predictionLogPlan(section: ModelPolicy['prediction_log']): PredictionLogPlan | undefined {
  if (!section) return undefined;
  const sampleRate = section.sample_rate ?? 1;
  return sampleRate > 0 ? { sampleRate, payload: section.payload ?? 'full' } : undefined;
}

/**
 * Policy `traffic.shadow`: the target resolved against the model's aliases now (the plan is rebuilt
 * whenever an alias moves). A sample rate of 0 is the same as no section.
 */
export function shadowOf(section: NonNullable<ModelPolicy['traffic']>['shadow'], aliases: Readonly<Record<string, string>>): { shadow?: ShadowPlan } {
  if (!section || section.sample_rate <= 0) return {};
  const target = shadowTarget(section.target);
  const version = 'version' in target ? String(target.version) : aliases[target.alias] ?? target.alias;
  return { shadow: { target: String(section.target), version, sampleRate: section.sample_rate } };
}

/** A version as the model's policy serves it: the policy's dynamic batching in place of the version's own. */
export function plannedVersion(version: VersionRecord, artifacts: ArtifactStore, policy: ModelPolicy): PlannedVersion {
  return { version: String(version.version), artifactPath: artifacts.path(version.artifactSha256), manifest: served(version.manifest, policy) };
}

function served(manifest: Manifest, policy: ModelPolicy): Manifest {
  if (!policy.dynamic_batching) return manifest;
  return { ...manifest, serving: { ...manifest.serving, dynamic_batching: policy.dynamic_batching } };
}

/** A stored policy is checked when it is written; one that no longer checks (an older release wrote it) serves on defaults. */
function checked(document: PolicyDocument): { policy: ModelPolicy; problem?: string } {
  const parsed = parsePolicy(document);
  if ('policy' in parsed) return { policy: parsed.policy };
  return { policy: {}, problem: `its stored policy is invalid (${parsed.problems.join('; ')}); the defaults apply` };
}

function rateLimits(config: ModelPolicy['rate_limit']): Limits | undefined {
  if (!config) return undefined;
  const limits: Limits = {
    ...(config.requests_per_second ? { requestsPerSecond: config.requests_per_second } : {}),
    ...(config.requests_per_minute ? { requestsPerMinute: config.requests_per_minute } : {}),
    ...(config.concurrent ? { concurrent: config.concurrent } : {}),
  };
  return Object.keys(limits).length > 0 ? limits : undefined;
}
