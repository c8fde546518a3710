import type { Migration } from './migration.js';

/**
 * Canary rollouts (src/control/rollouts/, docs/guides/canary.md).
 *
 * - `umbral_rollouts`: one row a rollout: the plan (steps and guards, JSON), the two versions it
 *   moves traffic between (fixed when it starts), the step it is at and when that step started, and
 *   how it ended. At most one `running` rollout a model (a partial unique index: a second start,
 *   from any replica, fails). `lease_until` / `leased_by`: the replica evaluating it now; a tick
 *   claims the row with an UPDATE guarded by the lease, so one replica acts at a time.
 * - `umbral_rollout_events`: its history, appended: started, each step, promoted, aborted.
 */
export const canaryMigration: Migration = {
  id: '0011-canary',
  sql: `
CREATE TABLE umbral_rollouts (
  id              bigserial PRIMARY KEY,
  model           text NOT NULL REFERENCES umbral_models (name),
  status          text NOT NULL CHECK (status IN ('running', 'promoted', 'aborted')),
  plan            jsonb NOT NULL CHECK (jsonb_typeof(plan) = 'object'),
  champion        integer NOT NULL,
  challenger      integer NOT NULL,
  step            integer NOT NULL CHECK (step >= 0),
  step_started_at timestamptz NOT NULL,
  reason          text,
  started_by      text NOT NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  lease_until     timestamptz,
  leased_by       text
);
CREATE UNIQUE INDEX umbral_rollouts_running ON umbral_rollouts (model) WHERE status = 'running';
CREATE INDEX umbral_rollouts_model ON umbral_rollouts (model, id DESC);

CREATE TABLE umbral_rollout_events (
  id         bigserial PRIMARY KEY,
  rollout    bigint NOT NULL REFERENCES umbral_rollouts (id) ON DELETE CASCADE,
  at         timestamptz NOT NULL DEFAULT now(),
  kind       text NOT NULL CHECK (kind IN ('started', 'step', 'promoted', 'aborted')),
  step       integer,
  share      integer,
  detail     jsonb
);
CREATE INDEX umbral_rollout_events_rollout ON umbral_rollout_events (rollout, id);
`,
};
