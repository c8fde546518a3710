import type { Migration } from './migration.js';

/**
 * Evaluation datasets, evaluation reports and promotion-gate decisions (src/mlops/evaluation/,
 * src/control/promotion-gate.ts, docs/guides/evaluation.md).
 *
 * - `umbral_eval_contents`: a dataset's bytes, stored once by their sha256 (content-addressed: the
 *   same JSON lines pushed twice, under any name, are one content).
 * - `umbral_eval_datasets`: a model's named datasets, each pointing at its content. A name keeps its
 *   content (another content under a taken name is refused); a content goes with its last name.
 * - `umbral_evaluations`: the reports, immutable: which versions ran on which content, with which
 *   sample, and the whole report (JSON). The gate reuses a report of the same versions, content and
 *   sample.
 * - The audit log takes the gate's decisions (`gate.passed`, `gate.failed`, `gate.forced`) with
 *   `detail` (0009): the verdict, the reason of a forced promotion, and the report.
 */
export const evaluationsMigration: Migration = {
  id: '0010-evaluations',
  sql: `
CREATE TABLE umbral_eval_contents (
  sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content    text NOT NULL,
  row_count  integer NOT NULL CHECK (row_count > 0),
  byte_count integer NOT NULL CHECK (byte_count > 0)
);

CREATE TABLE umbral_eval_datasets (
  model      text NOT NULL REFERENCES umbral_models (name),
  name       text NOT NULL,
  sha256     text NOT NULL REFERENCES umbral_eval_contents (sha256),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, name)
);
CREATE INDEX umbral_eval_datasets_sha256 ON umbral_eval_datasets (sha256);

CREATE TABLE umbral_evaluations (
  id             bigserial PRIMARY KEY,
  model          text NOT NULL REFERENCES umbral_models (name),
  dataset        text NOT NULL,
  dataset_sha256 text NOT NULL,
  versions       integer[] NOT NULL CHECK (cardinality(versions) > 0),
  sample_size    integer,
  sample_seed    integer,
  report         jsonb NOT NULL CHECK (jsonb_typeof(report) = 'object'),
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX umbral_evaluations_model ON umbral_evaluations (model, dataset_sha256, id DESC);

ALTER TABLE umbral_audit_log DROP CONSTRAINT umbral_audit_log_action_check;
ALTER TABLE umbral_audit_log ADD CONSTRAINT umbral_audit_log_action_check CHECK (action IN ('model.create', 'version.create',
  'version.delete', 'version.retire', 'version.tag', 'version.untag', 'alias.set', 'alias.delete', 'promote', 'rollback', 'policy.set',
  'gate.passed', 'gate.failed', 'gate.forced'));
`,
};
