import type { Task } from '../features/summarize-prediction.js';
import type { ConfusionMatrix } from '../quality/confusion-matrix.js';

/** Per-class scores of a classifier, with its one-vs-rest ROC AUC when the class has one. */
export interface ClassReport {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
  readonly rocAuc?: number;
}

/** Latency of the version's rows through the data plane, in milliseconds. */
export interface LatencyReport {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

/** A row that got no usable answer, as the report names it. */
export interface RowFailure {
  /** The line of the dataset. */
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

/** How one version did on the dataset. */
export interface VersionReport {
  readonly version: number;
  /** The alias it was asked by (`champion`), when it was. */
  readonly alias?: string;
  /** Rows sent. */
  readonly rows: number;
  /** Rows without a usable answer (an error, or an answer without the task's output); left out of the metrics. */
  readonly failed: number;
  /** The first failures (at most 10). */
  readonly failures: readonly RowFailure[];
  /**
   * Flat metric names, as the promotion gate names them: classification `accuracy`,
   * `precision_macro`, `recall_macro`, `f1_macro`, `roc_auc` (macro one-vs-rest) and per class
   * `precision:<c>`, `recall:<c>`, `f1:<c>`, `roc_auc:<c>`; regression `mae`, `rmse`, `r2`; ranking
   * `ndcg@K`, `recall@K`, `hit_rate@K`, `mrr`.
   */
  readonly metrics: Readonly<Record<string, number>>;
  /** Classification: per class. */
  readonly classes?: Readonly<Record<string, ClassReport>>;
  /** Classification: rows by true class and predicted class (absent past 100 classes). */
  readonly confusion?: ConfusionMatrix;
  /** Absent when every row failed. */
  readonly latencyMs?: LatencyReport;
}

/** An evaluation of versions of one model on one dataset, stored and immutable. */
export interface EvaluationReport {
  readonly id: string;
  readonly model: string;
  readonly dataset: { readonly name: string; readonly sha256: string; readonly rows: number };
  /** The seeded sample evaluated; null: every row. */
  readonly sample: { readonly size: number; readonly seed: number } | null;
  /** The task the metrics follow (the first version's). */
  readonly task: Task;
  readonly versions: readonly VersionReport[];
  readonly createdBy: string;
  readonly createdAt: string;
}

/** Metrics where lower is better; every other one is better higher. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['mae', 'rmse']);
