import type { RowPrediction } from '../features/summarize-prediction.js';
import { classificationQuality, type ClassPair } from './classification-quality.js';
import { classKey, labelRows, type TaskType } from './label-rows.js';
import { rankingQuality, type RankingPair } from './ranking-quality.js';
import { regressionQuality, type ValuePair } from './regression-quality.js';

/** A logged prediction with the label fed back for it. */
export interface LabelledPrediction {
  readonly prediction: readonly RowPrediction[];
  readonly label: unknown;
}

/** What a version's task needs beyond the rows: K of a ranking, the class names of a classifier. */
export interface QualityContext {
  readonly k?: number;
  readonly classNames?: readonly string[];
}

/**
 * Live quality in flat metric names, as the gauge `umbral_quality{metric}` and the admin API show it:
 * classification `accuracy`, `precision_macro`, `recall_macro`, `f1_macro` and per class
 * `precision:<class>`, `recall:<class>`, `f1:<class>`; regression `mae`, `rmse`; ranking
 * `hit_rate@K`, `ndcg@K`. `samples` counts the labelled rows compared (a record of several rows
 * counts each); no metric when there are none.
 */
export interface QualityNumbers {
  readonly samples: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export const DEFAULT_RANK_K = 10;

/** The quality of `records` for a task of `type`; rows that do not fit the task are left out. */
export function qualityOf(type: TaskType, records: readonly LabelledPrediction[], context: QualityContext = {}): QualityNumbers {
  const rows = records.flatMap(({ prediction, label }) => {
    const labels = labelRows(type, label);
    return labels.length === prediction.length ? prediction.map((predicted, i) => ({ predicted, actual: labels[i] })) : [];
  });
  if (type === 'classification') {
    const pairs = rows.flatMap(({ predicted, actual }): ClassPair[] =>
      ('class' in predicted && isClass(actual) ? [{ predicted: classKey(predicted.class, context.classNames), actual: classKey(actual, context.classNames) }] : []));
    if (pairs.length === 0) return { samples: 0, metrics: {} };
    const quality = classificationQuality(pairs);
    const metrics: Record<string, number> = {
      accuracy: quality.accuracy, precision_macro: quality.macro.precision, recall_macro: quality.macro.recall, f1_macro: quality.macro.f1,
    };
    for (const [name, scores] of Object.entries(quality.classes)) {
      metrics[`precision:${name}`] = scores.precision;
      metrics[`recall:${name}`] = scores.recall;
      metrics[`f1:${name}`] = scores.f1;
    }
    return { samples: pairs.length, metrics };
  }
  if (type === 'regression') {
    const pairs = rows.flatMap(({ predicted, actual }): ValuePair[] =>
      ('value' in predicted && Number.isFinite(predicted.value) && typeof actual === 'number' && Number.isFinite(actual) ? [{ predicted: predicted.value, actual }] : []));
    if (pairs.length === 0) return { samples: 0, metrics: {} };
    const { mae, rmse } = regressionQuality(pairs);
    return { samples: pairs.length, metrics: { mae, rmse } };
  }
  const k = context.k ?? DEFAULT_RANK_K;
  const pairs = rows.flatMap(({ predicted, actual }): RankingPair[] =>
    ('ranked' in predicted && Array.isArray(actual) && actual.every(isClass)
      ? [{ ranked: predicted.ranked.map(String), relevant: actual.map(String) }] : []));
  if (pairs.length === 0) return { samples: 0, metrics: {} };
  const { hitRate, ndcg } = rankingQuality(pairs, k);
  return { samples: pairs.length, metrics: { [`hit_rate@${k}`]: hitRate, [`ndcg@${k}`]: ndcg } };
}

function isClass(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
