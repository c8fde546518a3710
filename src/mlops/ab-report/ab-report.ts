import { Errors } from '../../errors/catalogue.js';
import { parsePolicy } from '../../model/policy.js';
import type { Registry } from '../../registry/registry.js';
import type { Queryable } from '../../store/database.js';
import type { PendingPredictions } from '../feedback/feedback-service.js';
import type { TaskType } from '../quality/label-rows.js';
import { qualityOf } from '../quality/quality-of.js';
import type { VersionTasks } from '../quality/version-tasks.js';
import { windowMs } from '../quality/windows.js';
import { maeInterval, wilson, type Interval } from './confidence.js';
import { countVariants, readVariantLabelled, type VariantCount, type VariantLabelledRow } from './variant-rows.js';

/** A variant's live quality: the task's headline metric with its 95 % interval, and every metric. */
export interface VariantQuality {
  readonly task: TaskType;
  /** Labelled rows compared. */
  readonly samples: number;
  /** `accuracy` (classification), `mae` (regression) or `hit_rate@K` (ranking). */
  readonly metric: string;
  readonly value: number;
  /** Wilson for a proportion (accuracy, hit rate); the normal approximation for MAE. */
  readonly interval: Interval | null;
  readonly metrics: Readonly<Record<string, number>>;
}

/** One variant in the report. */
export interface VariantReport {
  readonly variant: string;
  /** What the current policy names for it (a version number or an alias); null for a variant no longer in the split. */
  readonly target: string | null;
  readonly weight: number | null;
  /** Logged requests per version that served it. */
  readonly versions: Readonly<Record<string, number>>;
  readonly requests: number;
  readonly errors: number;
  readonly clientErrors: number;
  /** errors / requests (5xx only); null without requests. */
  readonly errorRate: number | null;
  readonly errorRateInterval: Interval | null;
  /** null where no logged prediction of the variant has feedback. */
  readonly quality: VariantQuality | null;
}

export interface AbReportResult {
  readonly model: string;
  readonly window: string;
  readonly from: Date;
  readonly to: Date;
  /** Whether the model's policy logs predictions: the report reads the prediction log, so without it there is nothing to count. */
  readonly logged: boolean;
  readonly variants: readonly VariantReport[];
}

export interface AbReportOptions {
  readonly db: Queryable;
  readonly registry: Pick<Registry, 'getModel' | 'getPolicy'>;
  readonly tasks: VersionTasks;
  /** Most labelled predictions read per variant (`quality.maxRows`). */
  readonly maxRows: number;
  /** The prediction log's buffer, flushed first so that the report counts every request answered before it. */
  readonly pending?: PendingPredictions;
}

export const DEFAULT_AB_WINDOW = '24h';

/**
 * The A/B report of a model whose traffic is split (docs/guides/traffic.md): per variant, the
 * requests the prediction log holds in a window, the error rate with a 95 % Wilson interval, and
 * live quality from feedback with its interval. Counts are of logged requests: with
 * `prediction_log.sample_rate` below 1 they are a uniform sample, so the rates stay unbiased.
 */
export class AbReport {
  constructor(private readonly options: AbReportOptions) {}

  async report(model: string, window: string = DEFAULT_AB_WINDOW, now: Date = new Date()): Promise<AbReportResult> {
    const ms = windowMs(window);
    if (ms === undefined) throw Errors.invalidRequest('window', `'${window}' is not a window; give a number and a unit: 30m, 1h, 24h, 7d`);
    if (!(await this.options.registry.getModel(model))) throw Errors.modelNotFound(model);
    const parsed = parsePolicy((await this.options.registry.getPolicy(model))?.policy ?? {});
    const policy = 'policy' in parsed ? parsed.policy : {};
    await this.options.pending?.flush();
    const span = { model, from: new Date(now.getTime() - ms), to: now };
    const counts = await countVariants(this.options.db, span);
    const labelled = await readVariantLabelled(this.options.db, span, this.options.maxRows);
    const split = policy.traffic?.split ?? [];
    const names = [...new Set([...split.map((arm) => arm.variant), ...counts.map((c) => c.variant)])];
    const variants: VariantReport[] = [];
    for (const name of names) {
      const arm = split.find((a) => a.variant === name);
      const own = counts.filter((c) => c.variant === name);
      variants.push({
        variant: name, target: arm ? String(arm.target) : null, weight: arm?.weight ?? null,
        ...rates(own),
        quality: await this.#quality(model, own, labelled.filter((row) => row.variant === name)),
      });
    }
    return { model, window, from: span.from, to: span.to, logged: policy.prediction_log !== undefined && (policy.prediction_log.sample_rate ?? 1) > 0, variants };
  }

  /** The variant's quality, judged by the task of the version that served most of its labelled rows. */
  async #quality(model: string, counts: readonly VariantCount[], rows: readonly VariantLabelledRow[]): Promise<VariantQuality | null> {
    if (rows.length === 0) return null;
    const version = mostServed(rows) ?? counts[0]?.version;
    const { task, classNames } = version === undefined ? { task: undefined, classNames: undefined } : await this.options.tasks.of(model, version);
    const first = rows[0]?.prediction[0];
    const type: TaskType | undefined = task?.type ?? (first === undefined ? undefined : 'class' in first ? 'classification' : 'value' in first ? 'regression' : 'ranking');
    if (!type) return null;
    const k = task?.type === 'ranking' ? task.k : undefined;
    const numbers = qualityOf(type, rows, { ...(k !== undefined ? { k } : {}), ...(classNames ? { classNames } : {}) });
    if (numbers.samples === 0) return null;
    const { samples, metrics } = numbers;
    if (type === 'regression') {
      const mae = metrics.mae as number;
      return { task: type, samples, metric: 'mae', value: mae, interval: maeInterval(mae, metrics.rmse as number, samples) ?? null, metrics };
    }
    const metric = type === 'classification' ? 'accuracy' : Object.keys(metrics).find((name) => name.startsWith('hit_rate@')) as string;
    const value = metrics[metric] as number;
    return { task: type, samples, metric, value, interval: wilson(Math.round(value * samples), samples) ?? null, metrics };
  }
}

function rates(counts: readonly VariantCount[]): Pick<VariantReport, 'versions' | 'requests' | 'errors' | 'clientErrors' | 'errorRate' | 'errorRateInterval'> {
  const requests = counts.reduce((sum, c) => sum + c.requests, 0);
  const errors = counts.reduce((sum, c) => sum + c.errors, 0);
  return {
    versions: Object.fromEntries(counts.map((c) => [c.version, c.requests])),
    requests, errors, clientErrors: counts.reduce((sum, c) => sum + c.client_errors, 0),
    errorRate: requests > 0 ? errors / requests : null,
    errorRateInterval: wilson(errors, requests) ?? null,
  };
}

function mostServed(rows: readonly VariantLabelledRow[]): string | undefined {
  const tally = new Map<string, number>();
  for (const row of rows) tally.set(row.version, (tally.get(row.version) ?? 0) + 1);
  return [...tally].sort((a, b) => b[1] - a[1])[0]?.[0];
}
