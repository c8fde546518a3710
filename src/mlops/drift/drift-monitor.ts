import { CronExpressionParser } from 'cron-parser';
import type { Logger } from 'pino';
import type { Registry as MetricsRegistry } from 'prom-client';
import { Errors } from '../../errors/catalogue.js';
import { isVersionNumber } from '../../model/names.js';
import { parsePolicy } from '../../model/policy.js';
import type { Registry } from '../../registry/registry.js';
import type { Database } from '../../store/database.js';
import { NO_EVENTS, type EventSink } from '../events/umbral-event.js';
import { DriftGauge, GAUGE_HORIZON_MS } from './drift-gauge.js';
import { buildDriftReport, type DriftReport } from './drift-report.js';
import { DRIFT_DEFAULTS, driftSettingsOf, type DriftSettings } from './drift-settings.js';
import { DriftStore, type Reference, type ReferenceSummary } from './drift-store.js';
import { readReferenceDataset } from './read-reference-dataset.js';
import { FeatureReservoirs } from './reservoir.js';
import { checkVersion, type VersionOutcome } from './check-version.js';

export interface DriftMonitorDeps {
  readonly db: Database;
  /** Where policies (the `drift` section) and versions (their manifests) are read. */
  readonly registry: Registry;
  /** The Prometheus registry `umbral_drift_score` is registered on. */
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  /** Where `drift.alert` events go (the notifications outbox); none by default. */
  readonly events?: EventSink;
  readonly limits: {
    /** Most elements one tensor of a reference line may hold (limits.maxElements). */
    readonly maxElements: number;
    /** Values kept per feature of a reference (drift.referenceValues). */
    readonly referenceValues: number;
    /** Predictions read per version and window at most (drift.maxWindowRows). */
    readonly maxWindowRows: number;
  };
}

export interface CheckOptions {
  /** Only this model (a job per model); default every model whose policy turns drift on. */
  readonly model?: string;
  /** Check now, whatever the model's `drift.schedule` says and whoever checked it last (tests, a manual run). */
  readonly force?: boolean;
  /** Fires when the server shuts down: the check stops between versions. */
  readonly signal?: AbortSignal;
}

/** Seed of the reservoirs of a reference made from predictions. */
const PREDICTIONS_SEED = 0x9e3779b9;

/**
 * Drift monitoring (docs/guides/drift.md): each version's reference distribution (a pushed dataset,
 * or its first logged predictions), and `check`, run by the scheduler, which compares every served
 * version's recent predictions with its reference: PSI and KS per feature, kept in the database and
 * shown as `umbral_drift_score`, with a `drift.alert` event once per crossing of a threshold. Nothing
 * here runs on the request path.
 */
export class DriftMonitor {
  readonly #store: DriftStore;
  readonly #gauge: DriftGauge;
  readonly #events: EventSink;

  constructor(private readonly deps: DriftMonitorDeps) {
    this.#store = new DriftStore(deps.db);
    this.#events = deps.events ?? NO_EVENTS;
    this.#gauge = new DriftGauge(deps.metrics, (since) => this.#store.scores({ since }),
      (error) => deps.logger.warn({ err: error }, 'drift scores could not be read for /metrics; showing the last ones read'));
  }

  /**
   * One round of checks, as a scheduled job runs it (`Job.run`: `({ due, signal }) => monitor.check(due, { signal })`):
   * every model whose policy turns drift on and whose `drift.schedule` has a run due since its last
   * check (claimed in the database: one replica checks it), every version of it that served in the
   * window. Resolves to a one-line summary. A model whose check fails is logged and the others are
   * checked; then the run throws, naming it (a failed run).
   */
  async check(now: Date, options: CheckOptions = {}): Promise<string> {
    let models = 0;
    const outcomes: VersionOutcome[] = [];
    const failed: string[] = [];
    for (const { model, settings } of await this.#watched(options.model)) {
      if (options.signal?.aborted) break;
      if (!options.force && !(await this.#store.claimRun(model, dueTime(settings.schedule, now, this.deps.logger, model), now))) continue;
      models++;
      try {
        for (const version of await this.#store.versionsInWindow(model, new Date(now.getTime() - settings.windowMinutes * 60_000), now)) {
          if (options.signal?.aborted) break;
          outcomes.push(await checkVersion({ store: this.#store, events: this.#events, logger: this.deps.logger, reference: (m, v) => this.#reference(m, v, settings) },
            model, version, settings, now, this.deps.limits.maxWindowRows));
        }
      } catch (error) {
        failed.push(model);
        this.deps.logger.error({ err: error, model }, 'drift check of a model failed; the others go on');
      }
    }
    if (models > 0) this.#gauge.update(await this.#store.scores({ since: new Date(Date.now() - GAUGE_HORIZON_MS) }));
    const scored = outcomes.filter((o) => o.outcome === 'scored').length;
    const alerts = outcomes.reduce((sum, o) => sum + o.alerts, 0);
    // A failed run (the scheduler records it and reports job.failed), once the other models were checked.
    if (failed.length > 0) throw Errors.internal(`the drift check of ${failed.join(', ')} failed (the causes are in the log); ${alerts} alert(s) raised for the others`);
    return `${models} model${models === 1 ? '' : 's'} checked, ${scored} version${scored === 1 ? '' : 's'} scored, ${alerts} alert${alerts === 1 ? '' : 's'}`;
  }

  /** Stores a version's reference from a pushed dataset (JSON lines), in place of any reference it had. */
  async pushReference(model: string, versionText: string, text: string, actor: string): Promise<ReferenceSummary> {
    const version = await this.#version(model, versionText);
    const sample = await readReferenceDataset(text, model, version.manifest, {
      maxElements: this.deps.limits.maxElements, valuesPerFeature: this.deps.limits.referenceValues,
    });
    await this.#store.putReference(model, versionText, { source: 'dataset', rows: sample.rows, features: sample.features, takenUntil: null, createdBy: actor });
    const summary = (await this.#store.referenceSummaries(model)).find((s) => s.version === versionText);
    if (!summary) throw Errors.internal('the reference just stored cannot be read back');
    return summary;
  }

  /** The model's drift settings, references, latest checks and scores with their alert state. */
  async report(model: string): Promise<DriftReport> {
    if (!(await this.deps.registry.getModel(model))) throw Errors.modelNotFound(model);
    const parsed = parsePolicy((await this.deps.registry.getPolicy(model))?.policy ?? {});
    const settings = 'policy' in parsed ? driftSettingsOf(parsed.policy) : undefined;
    const [references, checks, scores] = await Promise.all([this.#store.referenceSummaries(model), this.#store.checks(model), this.#store.scores({ model })]);
    return buildDriftReport(model, settings, references, checks, scores);
  }

  /** Models whose policy turns drift on, with their settings. */
  async #watched(only: string | undefined): Promise<Array<{ model: string; settings: DriftSettings }>> {
    const watched: Array<{ model: string; settings: DriftSettings }> = [];
    for (const record of await this.deps.registry.listPolicies()) {
      if (only !== undefined && record.model !== only) continue;
      const parsed = parsePolicy(record.policy);
      const settings = 'policy' in parsed ? driftSettingsOf(parsed.policy) : undefined;
      if (settings) watched.push({ model: record.model, settings });
    }
    return watched;
  }

  /** The version's reference; made from its first `reference_size` predictions when none was pushed and that many exist. */
  async #reference(model: string, version: string, settings: DriftSettings): Promise<Reference | undefined> {
    const stored = await this.#store.reference(model, version);
    if (stored) return stored;
    const first = await this.#store.firstPredictions(model, version, settings.referenceSize);
    if (first.features.length < settings.referenceSize || !first.lastAt) return undefined;
    const reservoirs = new FeatureReservoirs(this.deps.limits.referenceValues, PREDICTIONS_SEED);
    for (const features of first.features) if (features) reservoirs.add(features);
    await this.#store.addReferenceFromPredictions(model, version, {
      source: 'predictions', rows: first.features.length, features: reservoirs.samples(), takenUntil: first.lastAt, createdBy: null,
    });
    this.deps.logger.info({ model, version, predictions: first.features.length }, 'drift reference made from the first logged predictions');
    return this.#store.reference(model, version);
  }

  async #version(model: string, text: string) {
    if (!(await this.deps.registry.getModel(model))) throw Errors.modelNotFound(model);
    const number = Number(text);
    const record = /^\d+$/.test(text) && isVersionNumber(number) ? await this.deps.registry.getVersion(model, number) : undefined;
    if (!record) throw Errors.versionNotFound(model, text);
    return record;
  }
}

/** The latest run of `schedule` at or before `now` (UTC); an invalid expression falls back to every five minutes. */
export function dueTime(schedule: string, now: Date, logger?: Logger, model?: string): Date {
  const at = new Date(now.getTime() + 1);
  try {
    return CronExpressionParser.parse(schedule, { currentDate: at, tz: 'UTC' }).prev().toDate();
  } catch (error) {
    logger?.warn({ model, schedule, err: error }, 'drift.schedule is not a valid cron expression; checking every five minutes');
    return CronExpressionParser.parse(DRIFT_DEFAULTS.schedule, { currentDate: at, tz: 'UTC' }).prev().toDate();
  }
}
