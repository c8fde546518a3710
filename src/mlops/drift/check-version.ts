import type { Logger } from 'pino';
import type { EventSink } from '../events/umbral-event.js';
import type { ScoredState } from './alert-transitions.js';
import type { DriftSettings } from './drift-settings.js';
import type { CheckOutcome, DriftStore, Reference, VersionCheck } from './drift-store.js';
import { mergeFeatures, scoreWindow } from './score-window.js';

export interface CheckVersionDeps {
  readonly store: DriftStore;
  readonly events: EventSink;
  readonly logger: Logger;
  /** The version's reference, made from predictions when it can be. */
  readonly reference: (model: string, version: string) => Promise<Reference | undefined>;
}

export interface VersionOutcome {
  readonly outcome: CheckOutcome;
  /** Alerts raised (0 or 1: one event lists every feature that crossed). */
  readonly alerts: number;
}

/**
 * Checks one version: its window (the last `window_minutes`, after the predictions its reference
 * was made from, at most `maxRows` of the latest predictions) against its reference, when the window
 * holds `min_samples` predictions; records the scores and raises one `drift.alert` listing the
 * features that crossed a threshold at this check.
 */
export async function checkVersion(deps: CheckVersionDeps, model: string, version: string, settings: DriftSettings, now: Date, maxRows: number): Promise<VersionOutcome> {
  const reference = await deps.reference(model, version);
  const windowStart = new Date(Math.max(now.getTime() - settings.windowMinutes * 60_000, reference?.takenUntil?.getTime() ?? 0));
  const check = (samples: number, outcome: CheckOutcome): VersionCheck => ({ version, checkedAt: now, windowStart, windowEnd: now, samples, outcome });
  if (!reference) {
    await deps.store.recordCheck(model, check(0, 'no_reference'));
    return { outcome: 'no_reference', alerts: 0 };
  }
  const rows = await deps.store.windowFeatures(model, version, windowStart, now, maxRows);
  if (rows.length < settings.minSamples) {
    await deps.store.recordCheck(model, check(rows.length, 'too_few_samples'));
    return { outcome: 'too_few_samples', alerts: 0 };
  }
  const scores = scoreWindow(reference.features, mergeFeatures(rows), { psi: settings.psiThreshold, ks: settings.ksThreshold });
  const done = check(rows.length, 'scored');
  const { crossed, cleared } = await deps.store.recordScores(model, done, scores);
  if (cleared.length > 0) {
    deps.logger.info({ model, version, features: cleared.map(brief) }, 'drift back under its threshold');
  }
  if (crossed.length === 0) return { outcome: 'scored', alerts: 0 };
  deps.logger.warn({ model, version, features: crossed.map(brief) }, 'drift over its threshold');
  deps.events.emit({
    type: 'drift.alert', model, version,
    summary: `${model} ${version}: drift over threshold in ${crossed.map((s) => `${s.feature} (${s.method} ${round(s.score)} > ${s.threshold})`).join(', ')}`,
    details: {
      features: crossed.map(brief), windowStart: windowStart.toISOString(), windowEnd: now.toISOString(), samples: rows.length,
      reference: { source: reference.source, rows: reference.rows },
    },
  });
  return { outcome: 'scored', alerts: 1 };
}

function brief(s: ScoredState) {
  return { feature: s.feature, method: s.method, score: round(s.score), threshold: s.threshold };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
