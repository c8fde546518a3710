import type { Manifest } from '../../model/manifest.js';
import type { Tensor } from '../../protocol/tensor.js';
import { numericValues } from '../features/numeric-values.js';
import { summarizePrediction, type RowPrediction, type Task } from '../features/summarize-prediction.js';
import { classificationQuality, type ClassPair } from '../quality/classification-quality.js';
import { confusionMatrix } from '../quality/confusion-matrix.js';
import { classKey } from '../quality/label-rows.js';
import { DEFAULT_RANK_K } from '../quality/quality-of.js';
import { rankingQuality } from '../quality/ranking-quality.js';
import { regressionQuality } from '../quality/regression-quality.js';
import { oneVsRestAuc } from '../quality/roc-auc.js';
import type { Expected } from './dataset-row.js';
import type { ClassReport, VersionReport } from './evaluation-report.js';

/** A row answered: the version's outputs and what the dataset expected. */
export interface AnsweredRow {
  readonly outputs: readonly Tensor[];
  readonly expected: Expected;
}

/** Past this many classes the report leaves the confusion matrix out (its size grows as the square). */
const MAX_CONFUSION_CLASSES = 100;

export type MetricsPart = Pick<VersionReport, 'metrics' | 'classes' | 'confusion'> & {
  /** Rows whose answer lacks the task's output (by index in `rows`): left out of the metrics. */
  readonly unusable: readonly number[];
};

/**
 * The metrics of a version's answers by its task (the gate's names: VersionReport.metrics), from the
 * quality functions live quality uses, plus what only an offline evaluation can give: ROC AUC from
 * the scores, the confusion matrix, R², recall@K and MRR.
 */
export function evaluationMetrics(task: Task, labels: Manifest['labels'], rows: readonly AnsweredRow[]): MetricsPart {
  const predictions = rows.map((row) => {
    const prediction = summarizePrediction(task, row.outputs, labels)?.[0];
    return prediction && 'value' in prediction && !Number.isFinite(prediction.value) ? undefined : prediction;
  });
  const unusable = predictions.flatMap((p, i) => (p === undefined ? [i] : []));
  const usable = rows.flatMap((row, i) => {
    const prediction = predictions[i];
    return prediction === undefined ? [] : [{ row, prediction }];
  });
  if (usable.length === 0) return { metrics: {}, unusable };
  if (task.type === 'regression') {
    const { mae, rmse, r2 } = regressionQuality(usable.map(({ row, prediction }) => ({ predicted: valueOf(prediction), actual: row.expected as number })));
    return { metrics: { mae, rmse, r2 }, unusable };
  }
  if (task.type === 'ranking') {
    const k = task.k ?? DEFAULT_RANK_K;
    const pairs = usable.map(({ row, prediction }) => ({
      ranked: ('ranked' in prediction ? prediction.ranked : []).map(String), relevant: (row.expected as ReadonlyArray<string | number>).map(String),
    }));
    const q = rankingQuality(pairs, k);
    return { metrics: { [`ndcg@${k}`]: q.ndcg, [`recall@${k}`]: q.recall, [`hit_rate@${k}`]: q.hitRate, mrr: q.mrr }, unusable };
  }
  return { ...classification(task, labels, usable), unusable };
}

function classification(task: Task, labels: Manifest['labels'], usable: ReadonlyArray<{ row: AnsweredRow; prediction: RowPrediction }>): Omit<MetricsPart, 'unusable'> {
  const output = task.output ?? usable[0]?.row.outputs[0]?.name ?? '';
  const names = labels[output];
  const pairs: ClassPair[] = usable.map(({ row, prediction }) => ({
    predicted: classKey('class' in prediction ? prediction.class : '', names), actual: classKey(row.expected as string | number, names),
  }));
  const quality = classificationQuality(pairs);
  const metrics: Record<string, number> = {
    accuracy: quality.accuracy, precision_macro: quality.macro.precision, recall_macro: quality.macro.recall, f1_macro: quality.macro.f1,
  };
  const classes: Record<string, ClassReport> = {};
  for (const [name, scores] of Object.entries(quality.classes)) {
    classes[name] = scores;
    metrics[`precision:${name}`] = scores.precision;
    metrics[`recall:${name}`] = scores.recall;
    metrics[`f1:${name}`] = scores.f1;
  }
  addAuc(usable.map(({ row }) => row.outputs.find((o) => o.name === output)), pairs, names, metrics, classes);
  const known = names ?? [];
  const confusion = new Set([...known, ...pairs.flatMap((p) => [p.actual, p.predicted])]).size <= MAX_CONFUSION_CLASSES
    ? { confusion: confusionMatrix(pairs, known) } : {};
  return { metrics, classes, ...confusion };
}

/** One-vs-rest ROC AUC from the score of each class (the output's columns); none for a one-wide output (a class index). */
function addAuc(outputs: ReadonlyArray<Tensor | undefined>, pairs: readonly ClassPair[], names: readonly string[] | undefined,
  metrics: Record<string, number>, classes: Record<string, ClassReport>): void {
  const scores = outputs.map((o) => (o === undefined ? undefined : numericValues(o)));
  const width = scores[0]?.length ?? 0;
  if (width < 2 || scores.some((s) => s === undefined || s.length !== width)) return;
  const keys = Array.from({ length: width }, (_, c) => classKey(c, names));
  const { perClass, macro } = oneVsRestAuc(scores as Array<ArrayLike<number>>, pairs.map((p) => keys.indexOf(p.actual)), width);
  if (macro === undefined) return;
  metrics.roc_auc = macro;
  for (const [c, auc] of perClass) {
    const key = keys[c] as string;
    metrics[`roc_auc:${key}`] = auc;
    classes[key] = { ...(classes[key] ?? { precision: 0, recall: 0, f1: 0, support: 0 }), rocAuc: auc };
  }
}

function valueOf(prediction: RowPrediction): number {
  return 'value' in prediction ? prediction.value : Number.NaN;
}

/** Nearest-rank percentile `p` (0..100) of `values` (at least one). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
