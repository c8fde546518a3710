import type { z } from 'zod';
import { kserveDescriptorSchema } from '../backends/kserve/kserve-descriptor.js';
import { openaiDescriptorSchema } from '../backends/openai/openai-descriptor.js';
import { Errors } from '../errors/catalogue.js';
import { isRemoteKind, REMOTE_BACKEND_KINDS, type BackendKind, type RemoteBackendKind } from '../model/backend-kind.js';
import { parsePolicy, type ModelPolicy, type PolicyDocument } from '../model/policy.js';
import { resilienceSchema } from '../resilience/resilience-config.js';
import { shadowTargetProblems, type RegisteredVersions } from './check-shadow-target.js';
import { trafficTargetProblems } from './check-traffic.js';

/** The endpoint sections' full schemas (the policy schema itself only knows them as mappings). */
const ENDPOINT_SCHEMAS: Readonly<Record<RemoteBackendKind, z.ZodType>> = { kserve: kserveDescriptorSchema, openai: openaiDescriptorSchema };

/**
 * A policy document as the admin API receives it, checked in full for a model whose versions are
 * of `backend` (undefined: none yet): the policy schema, each endpoint section against its
 * backend's schema, `resilience` against the resilience schema, sections that do not belong to
 * the model's backend, and (given what the registry holds of the model) the versions and aliases it
 * names. Throws 400 UMBRAL_ERR_POLICY_INVALID listing every problem with its key.
 */
export function checkPolicy(document: unknown, backend: BackendKind | undefined, registered?: RegisteredVersions)
  : { document: PolicyDocument; policy: ModelPolicy } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw Errors.policyInvalid(['(root): must be an object of model.yaml\'s policy keys']);
  }
  const parsed = parsePolicy(document);
  if ('problems' in parsed) throw Errors.policyInvalid(parsed.problems);
  const { policy } = parsed;
  const problems: string[] = [];
  for (const kind of REMOTE_BACKEND_KINDS) {
    const section = policy[kind];
    if (section === undefined) continue;
    if (backend !== undefined && backend !== kind) problems.push(`${kind}: only for backend ${kind} (this model's backend is ${backend})`);
    else problems.push(...issues(ENDPOINT_SCHEMAS[kind], section, kind));
  }
  if (policy.resilience !== undefined) {
    if (backend !== undefined && !isRemoteKind(backend)) problems.push(`resilience: only for remote backends (${REMOTE_BACKEND_KINDS.join(', ')})`);
    else problems.push(...issues(resilienceSchema, policy.resilience, 'resilience'));
  }
  if (policy.traffic?.shadow !== undefined && backend === 'openai') {
    problems.push('traffic.shadow: only for tensor models (an openai model\'s calls are not mirrored)');
  } else if (registered) problems.push(...shadowTargetProblems(policy, registered));
  if (registered) problems.push(...trafficTargetProblems(policy, registered));
  if (problems.length > 0) throw Errors.policyInvalid(problems);
  return { document: document as PolicyDocument, policy };
}

function issues(schema: z.ZodType, value: unknown, prefix: string): string[] {
  const checked = schema.safeParse(value);
  if (checked.success) return [];
  return checked.error.issues.map((issue) => {
    const path = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), prefix);
    return `${path}: ${issue.message}`;
  });
}
