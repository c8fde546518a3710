import type { ModelPolicy } from '../model/policy.js';
import { shadowTarget } from '../model/shadow-policy.js';

/** What the registry holds of a model when its policy is set: what a policy may name. */
export interface RegisteredVersions {
  readonly model: string;
  /** Live version numbers. */
  readonly versions: readonly number[];
  /** Alias → version. */
  readonly aliases: Readonly<Record<string, number>>;
}

/**
 * The problems of `traffic.shadow.target` (empty when there is none or it names a live version or
 * an existing alias), each naming the target and what the model has instead.
 */
export function shadowTargetProblems(policy: ModelPolicy, registered: RegisteredVersions): string[] {
  const section = policy.traffic?.shadow;
  if (!section) return [];
  const target = shadowTarget(section.target);
  if ('version' in target) {
    if (registered.versions.includes(target.version)) return [];
    const known = registered.versions.length > 0 ? `its versions: ${[...registered.versions].sort((a, b) => a - b).join(', ')}` : 'it has no version yet';
    return [`traffic.shadow.target: version ${target.version} is not a version of model '${registered.model}' (${known})`];
  }
  if (registered.aliases[target.alias] !== undefined) return [];
  const aliases = Object.keys(registered.aliases).sort();
  const known = aliases.length > 0 ? `its aliases: ${aliases.join(', ')}` : 'it has no alias';
  return [`traffic.shadow.target: alias '${target.alias}' is not an alias of model '${registered.model}' (${known})`];
}
