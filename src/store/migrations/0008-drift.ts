import type { Migration } from './migration.js';

/**
 * Drift monitoring (src/mlops/drift/, docs/guides/drift.md).
 *
 * - `umbral_drift_references`: one reference per version: a sample of at most drift.referenceValues
 *   values per feature (`features`: feature → number[]), from a pushed dataset (`source` dataset)
 *   or from the version's first logged predictions (`source` predictions, `taken_until` the time of the
 *   last one taken: windows start after it, so the reference is never compared with itself).
 * - `umbral_drift_scores`: the latest score of each version, feature and method, with its alert
 *   state. The state is what makes an alert fire once per crossing, across replicas and restarts.
 * - `umbral_drift_checks`: the latest check of each version (its window, how many predictions it
 *   held, and the outcome), for the admin API.
 * - `umbral_drift_runs`: when each model was last checked; a check claims its due run with one
 *   conditional upsert, so that two replicas never check a model twice for one due time.
 */
export const driftMigration: Migration = {
  id: '0008-drift',
  sql: `
CREATE TABLE umbral_drift_references (
  model       text NOT NULL,
  version     text NOT NULL,
  source      text NOT NULL CHECK (source IN ('dataset', 'predictions')),
  row_count   integer NOT NULL CHECK (row_count >= 0),
  features    jsonb NOT NULL,
  taken_until timestamptz,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, version)
);

CREATE TABLE umbral_drift_scores (
  model         text NOT NULL,
  version       text NOT NULL,
  feature       text NOT NULL,
  method        text NOT NULL CHECK (method IN ('psi', 'ks')),
  score         double precision NOT NULL,
  threshold     double precision NOT NULL,
  p_value       double precision,
  samples       integer NOT NULL,
  alerting      boolean NOT NULL,
  alerted_at    timestamptz,
  cleared_at    timestamptz,
  checked_at    timestamptz NOT NULL,
  PRIMARY KEY (model, version, feature, method)
);
CREATE INDEX umbral_drift_scores_checked ON umbral_drift_scores (checked_at);

CREATE TABLE umbral_drift_checks (
  model         text NOT NULL,
  version       text NOT NULL,
  checked_at    timestamptz NOT NULL,
  window_start  timestamptz NOT NULL,
  window_end    timestamptz NOT NULL,
  samples       integer NOT NULL,
  outcome       text NOT NULL CHECK (outcome IN ('scored', 'too_few_samples', 'no_reference')),
  PRIMARY KEY (model, version)
);

CREATE TABLE umbral_drift_runs (
  model       text PRIMARY KEY,
  checked_at  timestamptz NOT NULL
);
`,
};
