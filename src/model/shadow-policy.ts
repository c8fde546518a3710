import { z } from 'zod';

/** `alias:NAME`: a shadow target that follows an alias (an alias name is never all digits). */
const ALIAS_TARGET = /^alias:([A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/;

/**
 * `traffic.shadow`: a share of the requests the model answers is sent again, after the client has
 * its answer, to `target` (a version number, or `alias:NAME`); that answer is discarded and compared
 * with the client's (src/mlops/shadow/). Which versions and aliases exist is checked against the
 * registry when the policy is set (src/control/check-policy.ts).
 */
export const shadowPolicySchema = z.object({
  target: z.union([
    z.number().int().positive().max(2_147_483_647),
    z.string().regex(ALIAS_TARGET, 'use a version number, or alias:NAME'),
  ]),
  /** Share of answered requests mirrored, 0..1. */
  sample_rate: z.number().min(0).max(1),
}).strict();

export type ShadowPolicy = z.output<typeof shadowPolicySchema>;

/** What a checked target names: a version number, or an alias. */
export type ShadowTarget = { readonly version: number } | { readonly alias: string };

export function shadowTarget(target: ShadowPolicy['target']): ShadowTarget {
  if (typeof target === 'number') return { version: target };
  return { alias: (ALIAS_TARGET.exec(target) as RegExpExecArray)[1] as string };
}
