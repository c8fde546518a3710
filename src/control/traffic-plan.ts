import type { TrafficPlan } from '../inference/model-plan.js';
import { fnv1a } from '../inference/traffic/key-hash.js';
import type { TrafficSection } from '../model/traffic-section.js';

/**
 * Policy `traffic` compiled for the request path: variants in split order, each owning as many of
 * the 100 percent slots as its weight (so a sticky key's slot, and the variant that owns it, stay
 * put while the weights of the variants before it do not change). No split: undefined.
 */
export function trafficPlan(model: string, section: TrafficSection | undefined): TrafficPlan | undefined {
  const split = section?.split;
  if (!split || split.length === 0) return undefined;
  const slots = new Uint8Array(100);
  let next = 0;
  split.forEach((arm, index) => {
    slots.fill(index, next, next + arm.weight);
    next += arm.weight;
  });
  const sticky = section?.sticky;
  const from = sticky?.header !== undefined ? 'header' : sticky?.parameter !== undefined ? 'parameter' : 'input';
  const name = sticky?.header ?? sticky?.parameter ?? sticky?.input;
  return {
    variants: split.map((arm) => ({ name: arm.variant, target: String(arm.target), weight: arm.weight })),
    slots,
    seed: fnv1a(`${model}\n`),
    ...(name !== undefined ? { sticky: { from, name } } : {}),
    override: section?.override_header ?? true,
  };
}
