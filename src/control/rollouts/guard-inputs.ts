import type { AbReport } from '../../mlops/ab-report/ab-report.js';
import type { ShadowStats } from '../../mlops/shadow/shadow-stats.js';
import type { Queryable } from '../../store/database.js';
import type { GuardInputs } from './judge-step.js';
import type { Rollout } from './rollout-store.js';
import { stepStats } from './step-stats.js';
import { VARIANTS } from './rollouts.js';

export interface GuardSources {
  readonly db: Queryable;
  /** Live quality per variant, from feedback joined with the prediction log; read only when a quality guard is set. */
  readonly abReport?: Pick<AbReport, 'report'>;
  /** This replica's shadow comparisons; read only when a shadow guard is set. */
  readonly shadow?: Pick<ShadowStats, 'report'>;
}

/**
 * What the current step's guards judge: the challenger's requests since the step started (every
 * replica's, from the prediction log); live quality of both variants since the rollout started
 * (feedback comes late, so the whole rollout counts); shadow agreement of the challenger version as
 * this replica saw it (shadow counts are per process).
 */
export async function guardInputs(sources: GuardSources, rollout: Rollout, now: Date): Promise<GuardInputs> {
  const guards = rollout.plan.guards ?? {};
  const stats = await stepStats(sources.db, rollout.model, rollout.challenger, rollout.stepStartedAt);
  let quality: GuardInputs['quality'];
  if (guards.max_quality_drop !== undefined && sources.abReport) {
    const minutes = Math.max(1, Math.ceil((now.getTime() - rollout.startedAt.getTime()) / 60_000));
    const report = await sources.abReport.report(rollout.model, `${minutes}m`, now);
    const of = (variant: string) => report.variants.find((v) => v.variant === variant)?.quality ?? null;
    const [champion, challenger] = [of(VARIANTS.champion), of(VARIANTS.challenger)];
    if (champion && challenger && champion.metric === challenger.metric) {
      quality = { metric: champion.metric, champion: champion.value, challenger: challenger.value, lowerIsBetter: champion.metric === 'mae' };
    }
  }
  let shadowAgreement: number | undefined;
  if (guards.min_shadow_agreement !== undefined && sources.shadow) {
    const version = sources.shadow.report(rollout.model, undefined).versions.find((v) => v.version === String(rollout.challenger));
    if (version && version.agreementRate !== null) shadowAgreement = version.agreementRate;
  }
  return { stats, ...(quality ? { quality } : {}), ...(shadowAgreement === undefined ? {} : { shadowAgreement }) };
}
