import type { Migration } from './migration.js';

/**
 * Model serving policies as registry state: the current policy of each model (a JSON document in
 * model.yaml's keys) with its revision, and an append-only history of every revision with what
 * changed, who changed it and when. `seeded_sha256` remembers which model.yaml last wrote the policy,
 * so that an unchanged model.yaml does not undo a change made through the admin API.
 */
export const policiesMigration: Migration = {
  id: '0004-policies',
  sql: `
ALTER TABLE umbral_audit_log DROP CONSTRAINT umbral_audit_log_action_check;
ALTER TABLE umbral_audit_log ADD CONSTRAINT umbral_audit_log_action_check CHECK (action IN ('model.create', 'version.create',
  'version.delete', 'version.retire', 'version.tag', 'version.untag', 'alias.set', 'alias.delete', 'promote', 'rollback', 'policy.set'));

CREATE TABLE umbral_policies (
  model         text PRIMARY KEY REFERENCES umbral_models (name),
  revision      integer NOT NULL CHECK (revision > 0),
  policy        jsonb NOT NULL CHECK (jsonb_typeof(policy) = 'object'),
  updated_by    text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  seeded_sha256 text CHECK (seeded_sha256 ~ '^[0-9a-f]{64}$')
);

CREATE TABLE umbral_policy_history (
  id       bigserial PRIMARY KEY,
  model    text NOT NULL,
  revision integer NOT NULL,
  actor    text NOT NULL,
  at       timestamptz NOT NULL DEFAULT now(),
  policy   jsonb NOT NULL,
  changes  jsonb NOT NULL,
  UNIQUE (model, revision)
);

CREATE TRIGGER umbral_policy_history_no_change
  BEFORE UPDATE OR DELETE ON umbral_policy_history
  FOR EACH ROW EXECUTE FUNCTION umbral_audit_log_append_only();

CREATE TRIGGER umbral_policy_history_no_truncate
  BEFORE TRUNCATE ON umbral_policy_history
  FOR EACH STATEMENT EXECUTE FUNCTION umbral_audit_log_append_only();
`,
};
