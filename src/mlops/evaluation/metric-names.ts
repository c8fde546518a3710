import type { Task } from '../features/summarize-prediction.js';
import { DEFAULT_RANK_K } from '../quality/quality-of.js';

const CLASS_METRICS = ['precision', 'recall', 'f1', 'roc_auc'] as const;

/**
 * The metrics an evaluation reports for a task (evaluation-report.ts, VersionReport.metrics), which
 * a promotion gate may name. A classifier's per-class metrics are named for `classNames` when the
 * manifest gives them, else for class indices.
 */
export function metricNames(task: Task, classNames: readonly string[] | undefined): string[] {
  if (task.type === 'regression') return ['mae', 'rmse', 'r2'];
  if (task.type === 'ranking') {
    const k = task.k ?? DEFAULT_RANK_K;
    return [`ndcg@${k}`, `recall@${k}`, `hit_rate@${k}`, 'mrr'];
  }
  const perClass = (classNames ?? []).flatMap((name) => CLASS_METRICS.map((metric) => `${metric}:${name}`));
  return ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'roc_auc', ...perClass];
}

/** Whether `metric` is one of the task's: a name of metricNames, or a per-class one of a classifier without class names (`f1:3`). */
export function isMetricOf(metric: string, task: Task, classNames: readonly string[] | undefined): boolean {
  if (metricNames(task, classNames).includes(metric)) return true;
  return task.type === 'classification' && !classNames && /^(precision|recall|f1|roc_auc):\d+$/.test(metric);
}
