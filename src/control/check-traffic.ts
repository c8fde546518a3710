import type { ModelPolicy } from '../model/policy.js';
import type { RegisteredVersions } from './check-shadow-target.js';

/**
 * The problems of `traffic.split` (empty when it has none): each variant whose target is neither a
 * live version of the model nor one of its aliases, named with what the model has instead. The
 * schema (traffic-section.ts) has checked the rest: weights adding up to 100, names given once.
 */
export function trafficTargetProblems(policy: ModelPolicy, registered: RegisteredVersions): string[] {
  const model = registered.model;
  return (policy.traffic?.split ?? []).flatMap((arm, i) => {
    const path = `traffic.split[${i}].target`;
    const target = String(arm.target);
    if (/^\d+$/.test(target)) {
      if (registered.versions.includes(Number(target))) return [];
      return [`${path}: variant '${arm.variant}' names version ${target}, which model '${model}' does not have (its versions: ${listed(registered.versions.map(String))})`];
    }
    if (registered.aliases[target] !== undefined) return [];
    return [`${path}: variant '${arm.variant}' names alias '${target}', which model '${model}' does not have (its aliases: ${listed(Object.keys(registered.aliases))})`];
  });
}

function listed(names: readonly string[]): string {
  return names.length > 0 ? [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).join(', ') : 'none';
}
