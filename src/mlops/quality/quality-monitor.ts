import { Errors } from '../../errors/catalogue.js';
import type { QualityGauges, QualityPoint } from '../../observability/quality-metrics.js';
import type { Registry } from '../../registry/registry.js';
import type { Queryable } from '../../store/database.js';
import type { RowPrediction } from '../features/summarize-prediction.js';
import type { TaskType } from './label-rows.js';
import { readLabelled, type LabelledRow } from './labelled-predictions.js';
import { qualityOf } from './quality-of.js';
import type { VersionTasks } from './version-tasks.js';
import { windowMs } from './windows.js';

/** Per-class series are exported for at most this many classes per version (the admin API has them all). */
const MAX_GAUGE_CLASSES = 50;

/** One version's live quality over one window. */
export interface VersionQuality extends QualityPoint {
  /** The task it was judged by; null when neither the manifest nor the predictions say. */
  readonly task: TaskType | null;
  /** Labelled predictions compared (a record of several rows counts once; `samples` counts rows). */
  readonly predictions: number;
  /** True when the window held more than `quality.maxRows` labelled predictions: the newest were used. */
  readonly truncated: boolean;
}

export interface QualityMonitorOptions {
  readonly db: Queryable;
  readonly registry: Pick<Registry, 'listModels'>;
  readonly tasks: VersionTasks;
  readonly gauges: QualityGauges;
  /** `quality.windows`: `1h`, `24h`, … */
  readonly windows: readonly string[];
  /** `quality.maxRows`: most labelled predictions per version and window. */
  readonly maxRows: number;
}

/**
 * Live quality per model, version and rolling window, from the prediction log joined with feedback
 * (docs/guides/monitoring.md). `refresh` recomputes every model for the gauges (a scheduled job);
 * `report` computes one model fresh for the admin API.
 */
export class QualityMonitor {
  constructor(private readonly options: QualityMonitorOptions) {}

  /**
   * Recomputes every model over every configured window and replaces the gauges; resolves a
   * summary for the job's history. Usable as a job's `run` (`({ due }) => monitor.refresh(due)`).
   */
  async refresh(now: Date): Promise<string> {
    const models = await this.options.registry.listModels();
    const points: VersionQuality[] = [];
    for (const { name } of models) points.push(...await this.report(name, {}, now));
    this.options.gauges.replace(points.map((point) => ({ ...point, metrics: gaugeMetrics(point.metrics) })));
    const versions = new Set(points.map((point) => `${point.model}/${point.version}`)).size;
    return `${models.length} model(s), ${versions} version(s) with labelled predictions over ${this.options.windows.join(', ')}`;
  }

  /** One model's quality, for one window (`window`, any duration such as `6h`) or every configured one, and one version or all. */
  async report(model: string, filter: { readonly window?: string; readonly version?: string }, now: Date): Promise<VersionQuality[]> {
    const windows = filter.window === undefined ? this.options.windows : [filter.window];
    const results: VersionQuality[] = [];
    for (const window of windows) {
      const ms = windowMs(window);
      if (ms === undefined) throw Errors.invalidRequest('window', `'${window}' is not a window; give a number and a unit: 30m, 1h, 24h, 7d`);
      const rows = await readLabelled(this.options.db, {
        model, from: new Date(now.getTime() - ms), to: now, version: filter.version, maxRows: this.options.maxRows,
      });
      for (const [version, labelled] of byVersion(rows)) results.push(await this.judge(model, version, window, labelled));
    }
    return results;
  }

  private async judge(model: string, version: string, window: string, rows: readonly LabelledRow[]): Promise<VersionQuality> {
    const { task, classNames } = await this.options.tasks.of(model, version);
    const type = task?.type ?? typeFromPredictions(rows);
    const truncated = rows.length >= this.options.maxRows;
    const base = { model, version, window, task: type ?? null, predictions: rows.length, truncated };
    if (!type) return { ...base, samples: 0, metrics: {} };
    const k = task?.type === 'ranking' ? task.k : undefined;
    const numbers = qualityOf(type, rows, { ...(k !== undefined ? { k } : {}), ...(classNames ? { classNames } : {}) });
    return { ...base, ...numbers };
  }
}

function byVersion(rows: readonly LabelledRow[]): Map<string, LabelledRow[]> {
  const groups = new Map<string, LabelledRow[]>();
  for (const row of rows) {
    const group = groups.get(row.version);
    if (group) group.push(row);
    else groups.set(row.version, [row]);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

/** A version the registry does not know: its task, from the shape of what it predicted. */
function typeFromPredictions(rows: readonly LabelledRow[]): TaskType | undefined {
  const first: RowPrediction | undefined = rows[0]?.prediction[0];
  if (!first) return undefined;
  return 'class' in first ? 'classification' : 'value' in first ? 'regression' : 'ranking';
}

/** The metrics a gauge carries: per-class series only for a bounded number of classes. */
function gaugeMetrics(metrics: Readonly<Record<string, number>>): Record<string, number> {
  const perClass = Object.keys(metrics).filter((name) => name.startsWith('f1:')).length;
  if (perClass <= MAX_GAUGE_CLASSES) return { ...metrics };
  return Object.fromEntries(Object.entries(metrics).filter(([name]) => !name.includes(':')));
}
