import type { ModelPolicy } from '../../model/policy.js';

/** A model's drift policy with every default filled in (docs/guides/drift.md, "Policy"). */
export interface DriftSettings {
  readonly referenceSize: number;
  readonly windowMinutes: number;
  readonly minSamples: number;
  readonly psiThreshold: number;
  readonly ksThreshold: number;
  /** Cron expression (five fields, UTC). */
  readonly schedule: string;
}

export const DRIFT_DEFAULTS: DriftSettings = {
  referenceSize: 500,
  windowMinutes: 60,
  minSamples: 100,
  psiThreshold: 0.2,
  ksThreshold: 0.3,
  schedule: '*/5 * * * *',
};

/** The model's drift settings; undefined when its policy has no `drift` section or turns it off. */
export function driftSettingsOf(policy: ModelPolicy): DriftSettings | undefined {
  const section = policy.drift;
  if (!section || section.enabled === false) return undefined;
  return {
    referenceSize: section.reference_size ?? DRIFT_DEFAULTS.referenceSize,
    windowMinutes: section.window_minutes ?? DRIFT_DEFAULTS.windowMinutes,
    minSamples: section.min_samples ?? DRIFT_DEFAULTS.minSamples,
    psiThreshold: section.psi_threshold ?? DRIFT_DEFAULTS.psiThreshold,
    ksThreshold: section.ks_threshold ?? DRIFT_DEFAULTS.ksThreshold,
    schedule: section.schedule ?? DRIFT_DEFAULTS.schedule,
  };
}
