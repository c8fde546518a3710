import { ksPValue, ksStatistic } from './ks.js';
import { psi } from './psi.js';

export type DriftMethod = 'psi' | 'ks';

/** One feature's distance from its reference by one method. */
export interface FeatureScore {
  readonly feature: string;
  readonly method: DriftMethod;
  readonly score: number;
  readonly threshold: number;
  /** KS only: the asymptotic p-value of the statistic. */
  readonly pValue?: number;
  /** Values of the feature in the window. */
  readonly samples: number;
}

/** Features compared by class share rather than by quantile bins (a class index has no order). */
const CATEGORICAL = new Set(['output.class']);

/**
 * PSI and KS of every feature the reference and the window both have. A categorical feature
 * (`output.class`) gets PSI over class shares only: KS over class indices would read meaning into
 * their order.
 */
export function scoreWindow(
  reference: Readonly<Record<string, readonly number[]>>,
  window: Readonly<Record<string, readonly number[]>>,
  thresholds: { readonly psi: number; readonly ks: number },
): FeatureScore[] {
  const scores: FeatureScore[] = [];
  for (const feature of Object.keys(window).sort()) {
    const current = window[feature] ?? [];
    const base = reference[feature];
    if (!base || base.length === 0 || current.length === 0) continue;
    const categorical = CATEGORICAL.has(feature);
    const p = psi(base, current, { categorical });
    if (p !== undefined) scores.push({ feature, method: 'psi', score: p, threshold: thresholds.psi, samples: current.length });
    if (categorical) continue;
    const d = ksStatistic(base, current);
    if (d !== undefined) {
      scores.push({ feature, method: 'ks', score: d, threshold: thresholds.ks, pValue: ksPValue(d, base.length, current.length), samples: current.length });
    }
  }
  return scores;
}

/** Merges the features of many predictions (each a few values per feature) into one sample per feature. */
export function mergeFeatures(rows: ReadonlyArray<Readonly<Record<string, readonly number[]>> | null>): Record<string, number[]> {
  const merged: Record<string, number[]> = {};
  for (const row of rows) {
    if (!row) continue;
    for (const [feature, values] of Object.entries(row)) {
      if (!Array.isArray(values)) continue;
      const target = (merged[feature] ??= []);
      for (const value of values) if (typeof value === 'number' && Number.isFinite(value)) target.push(value);
    }
  }
  return merged;
}
