import type { Migration } from './migration.js';

/**
 * Scheduled jobs (src/control/jobs/, docs/guides/jobs.md).
 *
 * - `umbral_jobs`: the jobs operators define (retrain triggers). `action` is
 *   `{"webhook": {"url", "headers"?}}` or `{"command": ["argv", …]}`. Built-in jobs are not stored:
 *   each replica registers them in code.
 * - `umbral_job_runs`: one row per run of any job. The unique key `(job, due)` is the claim: the
 *   replica whose insert succeeds runs it, the others' `ON CONFLICT DO NOTHING` tells them another
 *   replica has it. A running row's replica refreshes `heartbeat_at`; a row not refreshed within the
 *   lease is marked `abandoned` by whichever replica looks next. `skipped`: the run was due while
 *   the job's previous run was still going.
 */
export const jobsMigration: Migration = {
  id: '0007-jobs',
  sql: `
CREATE TABLE umbral_jobs (
  name        text PRIMARY KEY,
  schedule    text NOT NULL,
  description text NOT NULL DEFAULT '',
  model       text,
  action      jsonb NOT NULL,
  enabled     boolean NOT NULL DEFAULT true,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE umbral_job_runs (
  id           bigserial PRIMARY KEY,
  job          text NOT NULL,
  due          timestamptz NOT NULL,
  trigger      text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  status       text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned', 'skipped')),
  replica      text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  duration_ms  double precision,
  summary      text,
  error        text,
  UNIQUE (job, due)
);
CREATE INDEX umbral_job_runs_running ON umbral_job_runs (job) WHERE status = 'running';
CREATE INDEX umbral_job_runs_finished ON umbral_job_runs (finished_at);
`,
};
