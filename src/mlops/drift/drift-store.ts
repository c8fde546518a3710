import type { Database, Queryable } from '../../store/database.js';
import { alertTransitions, stateKey, type AlertState, type Transitions } from './alert-transitions.js';
import type { DriftMethod, FeatureScore } from './score-window.js';

/** Where a version's reference came from. */
export type ReferenceSource = 'dataset' | 'predictions';

/** A version's reference distribution: a sample per feature. */
export interface Reference {
  readonly source: ReferenceSource;
  /** Dataset lines, or predictions, it was made from. */
  readonly rows: number;
  readonly features: Readonly<Record<string, readonly number[]>>;
  /** `predictions`: the time of the last prediction taken; windows start after it. */
  readonly takenUntil: Date | null;
  readonly createdBy: string | null;
}

/** A reference without its values: what the admin API shows. */
export interface ReferenceSummary extends Omit<Reference, 'features'> {
  readonly version: string;
  /** Values kept per feature. */
  readonly values: Readonly<Record<string, number>>;
  readonly createdAt: Date;
}

export type CheckOutcome = 'scored' | 'too_few_samples' | 'no_reference';

/** One version's latest check. */
export interface VersionCheck {
  readonly version: string;
  readonly checkedAt: Date;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  /** Predictions in the window (at most drift.maxWindowRows were read). */
  readonly samples: number;
  readonly outcome: CheckOutcome;
}

/** A stored score with its alert state. */
export interface StoredScore extends FeatureScore, AlertState {
  readonly model: string;
  readonly version: string;
  readonly checkedAt: Date;
}

/** Any constant: the first key of the advisory lock that serialises alert-state updates of a version. */
const STATE_LOCK = 0x64726674; // "drft"

/** The drift tables (migration 0008-drift) and the prediction log's rows drift reads. */
export class DriftStore {
  constructor(private readonly db: Database) {}

  async putReference(model: string, version: string, reference: Reference): Promise<void> {
    await this.db.query(
      `INSERT INTO umbral_drift_references (model, version, source, row_count, features, taken_until, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, now())
       ON CONFLICT (model, version) DO UPDATE SET source = EXCLUDED.source, row_count = EXCLUDED.row_count,
         features = EXCLUDED.features, taken_until = EXCLUDED.taken_until, created_by = EXCLUDED.created_by, created_at = now()`,
      [model, version, reference.source, reference.rows, JSON.stringify(reference.features), reference.takenUntil, reference.createdBy]);
  }

  /** Stores a reference made from predictions unless one exists (a pushed dataset wins a race). */
  async addReferenceFromPredictions(model: string, version: string, reference: Reference): Promise<void> {
    await this.db.query(
      `INSERT INTO umbral_drift_references (model, version, source, row_count, features, taken_until, created_by)
       VALUES ($1, $2, 'predictions', $3, $4::jsonb, $5, NULL) ON CONFLICT (model, version) DO NOTHING`,
      [model, version, reference.rows, JSON.stringify(reference.features), reference.takenUntil]);
  }

  async reference(model: string, version: string): Promise<Reference | undefined> {
    const [row] = await this.db.query<{ source: ReferenceSource; row_count: number; features: Record<string, number[]>; taken_until: Date | null; created_by: string | null }>(
      'SELECT source, row_count, features, taken_until, created_by FROM umbral_drift_references WHERE model = $1 AND version = $2', [model, version]);
    return row && { source: row.source, rows: row.row_count, features: row.features, takenUntil: row.taken_until, createdBy: row.created_by };
  }

  async referenceSummaries(model: string): Promise<ReferenceSummary[]> {
    const rows = await this.db.query<{ version: string; source: ReferenceSource; row_count: number; value_counts: Record<string, number> | null; taken_until: Date | null; created_by: string | null; created_at: Date }>(
      `SELECT version, source, row_count, taken_until, created_by, created_at,
         (SELECT jsonb_object_agg(key, jsonb_array_length(value)) FROM jsonb_each(features)) AS value_counts
       FROM umbral_drift_references WHERE model = $1 ORDER BY version`, [model]);
    return rows.map((r) => ({
      version: r.version, source: r.source, rows: r.row_count, values: r.value_counts ?? {}, takenUntil: r.taken_until, createdBy: r.created_by, createdAt: r.created_at,
    }));
  }

  /**
   * Claims the run of `model` due at `due`: true for the one caller (of every replica) that records
   * its check first; false when the model was checked at or after `due` already.
   */
  async claimRun(model: string, due: Date, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO umbral_drift_runs (model, checked_at) VALUES ($1, $2)
       ON CONFLICT (model) DO UPDATE SET checked_at = EXCLUDED.checked_at WHERE umbral_drift_runs.checked_at < $3
       RETURNING model`, [model, now, due]);
    return rows.length > 0;
  }

  /** Versions of the model with logged predictions in (from, to]. */
  async versionsInWindow(model: string, from: Date, to: Date): Promise<string[]> {
    const rows = await this.db.query<{ version: string }>(
      'SELECT DISTINCT version FROM umbral_predictions WHERE model = $1 AND at > $2 AND at <= $3 ORDER BY version', [model, from, to]);
    return rows.map((r) => r.version);
  }

  /** The drift samples of the latest `limit` successful predictions of a version in (from, to]. */
  async windowFeatures(model: string, version: string, from: Date, to: Date, limit: number): Promise<Array<Record<string, number[]> | null>> {
    const rows = await this.db.query<{ features: Record<string, number[]> | null }>(
      `SELECT features FROM umbral_predictions
       WHERE model = $1 AND version = $2 AND at > $3 AND at <= $4 AND status < 400 AND features IS NOT NULL
       ORDER BY at DESC LIMIT $5`, [model, version, from, to, limit]);
    return rows.map((r) => r.features);
  }

  /** The drift samples of the first `count` successful predictions of a version, with the time of the last. */
  async firstPredictions(model: string, version: string, count: number): Promise<{ features: Array<Record<string, number[]> | null>; lastAt: Date | undefined }> {
    const rows = await this.db.query<{ features: Record<string, number[]> | null; at: Date }>(
      `SELECT features, at FROM umbral_predictions
       WHERE model = $1 AND version = $2 AND status < 400 AND features IS NOT NULL
       ORDER BY at, id LIMIT $3`, [model, version, count]);
    return { features: rows.map((r) => r.features), lastAt: rows.at(-1)?.at };
  }

  /**
   * Records a scored check and returns the alert transitions, in one transaction holding a lock on
   * the version, so that two checks at once (replicas, a manual run) see each other's state and a
   * crossing is reported once.
   */
  async recordScores(model: string, check: VersionCheck, scores: readonly FeatureScore[]): Promise<Transitions> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STATE_LOCK, `${model}/${check.version}`]);
      const previous = new Map((await states(tx, model, check.version)).map((s) => [stateKey(s.feature, s.method), s]));
      const result = alertTransitions(previous, scores, check.checkedAt);
      for (const s of result.states) {
        await tx.query(
          `INSERT INTO umbral_drift_scores (model, version, feature, method, score, threshold, p_value, samples, alerting, alerted_at, cleared_at, checked_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (model, version, feature, method) DO UPDATE SET score = EXCLUDED.score, threshold = EXCLUDED.threshold,
             p_value = EXCLUDED.p_value, samples = EXCLUDED.samples, alerting = EXCLUDED.alerting, alerted_at = EXCLUDED.alerted_at,
             cleared_at = EXCLUDED.cleared_at, checked_at = EXCLUDED.checked_at`,
          [model, check.version, s.feature, s.method, s.score, s.threshold, s.pValue ?? null, s.samples, s.alerting, s.alertedAt, s.clearedAt, check.checkedAt]);
      }
      await recordCheck(tx, model, check);
      return result;
    });
  }

  /** Records a check that scored nothing (too few predictions, no reference yet). */
  async recordCheck(model: string, check: VersionCheck): Promise<void> {
    await recordCheck(this.db, model, check);
  }

  async checks(model: string): Promise<VersionCheck[]> {
    const rows = await this.db.query<{ version: string; checked_at: Date; window_start: Date; window_end: Date; samples: number; outcome: CheckOutcome }>(
      'SELECT version, checked_at, window_start, window_end, samples, outcome FROM umbral_drift_checks WHERE model = $1 ORDER BY version', [model]);
    return rows.map((r) => ({ version: r.version, checkedAt: r.checked_at, windowStart: r.window_start, windowEnd: r.window_end, samples: r.samples, outcome: r.outcome }));
  }

  /** Stored scores of one model, or of every model checked since `since` (the metric). */
  async scores(filter: { model: string } | { since: Date }): Promise<StoredScore[]> {
    const [where, param] = 'model' in filter ? ['model = $1', filter.model] : ['checked_at > $1', filter.since];
    const rows = await this.db.query<ScoreRow>(`SELECT * FROM umbral_drift_scores WHERE ${where} ORDER BY model, version, feature, method`, [param]);
    return rows.map(storedScore);
  }
}

interface ScoreRow {
  model: string; version: string; feature: string; method: DriftMethod; score: number; threshold: number; p_value: number | null;
  samples: number; alerting: boolean; alerted_at: Date | null; cleared_at: Date | null; checked_at: Date;
}

function storedScore(r: ScoreRow): StoredScore {
  return {
    model: r.model, version: r.version, feature: r.feature, method: r.method, score: r.score, threshold: r.threshold,
    ...(r.p_value === null ? {} : { pValue: r.p_value }), samples: r.samples, alerting: r.alerting,
    alertedAt: r.alerted_at, clearedAt: r.cleared_at, checkedAt: r.checked_at,
  };
}

async function states(tx: Queryable, model: string, version: string): Promise<AlertState[]> {
  const rows = await tx.query<ScoreRow>('SELECT * FROM umbral_drift_scores WHERE model = $1 AND version = $2', [model, version]);
  return rows.map(storedScore);
}

async function recordCheck(db: Queryable, model: string, check: VersionCheck): Promise<void> {
  await db.query(
    `INSERT INTO umbral_drift_checks (model, version, checked_at, window_start, window_end, samples, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (model, version) DO UPDATE SET checked_at = EXCLUDED.checked_at, window_start = EXCLUDED.window_start,
       window_end = EXCLUDED.window_end, samples = EXCLUDED.samples, outcome = EXCLUDED.outcome`,
    [model, check.version, check.checkedAt, check.windowStart, check.windowEnd, check.samples, check.outcome]);
}
