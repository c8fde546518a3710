import type { RolloutGuards } from './rollout-plan.js';
import type { StepStats } from './step-stats.js';

/** What the step's guards read: the challenger's requests, and where they exist, live quality and shadow agreement. */
export interface GuardInputs {
  readonly stats: StepStats;
  /** The champion's and challenger's live quality (higher is better; MAE negated), when both have feedback. */
  readonly quality?: { readonly metric: string; readonly champion: number; readonly challenger: number; readonly lowerIsBetter: boolean };
  /** The challenger's shadow agreement on this replica, when it is mirrored to. */
  readonly shadowAgreement?: number;
}

/**
 * The guards' verdict on the step so far: the reasons it fails (empty: it passes). Pure. Quality
 * and shadow guards without their inputs pass (there is nothing to judge yet).
 */
export function judgeStep(guards: RolloutGuards, inputs: GuardInputs): string[] {
  const reasons: string[] = [];
  const { stats, quality } = inputs;
  const rate = stats.requests > 0 ? stats.failures / stats.requests : 0;
  if (guards.max_error_rate !== undefined && rate > guards.max_error_rate) {
    reasons.push(`error rate ${round(rate)} (${stats.failures} of ${stats.requests} requests) is above max_error_rate ${guards.max_error_rate}`);
  }
  if (guards.max_p99_ms !== undefined && stats.p99Ms !== null && stats.p99Ms > guards.max_p99_ms) {
    reasons.push(`p99 latency ${round(stats.p99Ms)} ms is above max_p99_ms ${guards.max_p99_ms}`);
  }
  if (guards.max_quality_drop !== undefined && quality) {
    const drop = quality.lowerIsBetter ? quality.challenger - quality.champion : quality.champion - quality.challenger;
    if (drop > guards.max_quality_drop) {
      reasons.push(`live ${quality.metric} ${round(quality.challenger)} is ${round(drop)} worse than the champion's ${round(quality.champion)} (max_quality_drop ${guards.max_quality_drop})`);
    }
  }
  if (guards.min_shadow_agreement !== undefined && inputs.shadowAgreement !== undefined && inputs.shadowAgreement < guards.min_shadow_agreement) {
    reasons.push(`shadow agreement ${round(inputs.shadowAgreement)} is below min_shadow_agreement ${guards.min_shadow_agreement}`);
  }
  return reasons;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
