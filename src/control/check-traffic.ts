import { Errors } from '../errors/catalogue.js';
import type { TrafficSection } from '../model/traffic-section.js';

/** What a split's targets may name: the model's aliases and its live versions. */
export interface ServingNames {
  readonly aliases: Readonly<Record<string, number>>;
  readonly versions: readonly number[];
}

/**
 * Throws 400 UMBRAL_ERR_POLICY_INVALID naming every variant of `traffic.split` whose target is
 * neither a live version of the model nor one of its aliases. The schema (traffic-section.ts) has
 * checked the rest: weights adding up to 100, names given once.
 */
export function checkTrafficTargets(model: string, traffic: TrafficSection | undefined, names: ServingNames): void {
  const problems = (traffic?.split ?? []).flatMap((arm, i) => {
    const path = `traffic.split[${i}].target`;
    const target = String(arm.target);
    if (/^\d+$/.test(target)) {
      if (names.versions.includes(Number(target))) return [];
      return [`${path}: variant '${arm.variant}' names version ${target}, which model '${model}' does not have (its versions: ${listed(names.versions.map(String))})`];
    }
    if (names.aliases[target] !== undefined) return [];
    return [`${path}: variant '${arm.variant}' names alias '${target}', which model '${model}' does not have (its aliases: ${listed(Object.keys(names.aliases))})`];
  });
  if (problems.length > 0) throw Errors.policyInvalid(problems);
}

function listed(names: readonly string[]): string {
  return names.length > 0 ? [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).join(', ') : 'none';
}
