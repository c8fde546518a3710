import type { Migration } from './migration.js';

/**
 * The registry's tables: models, immutable versions (soft-deleted, never removed, so numbers are
 * never reused), their tags, aliases, and an append-only audit log that a trigger guards.
 * Names are unqualified so that the tables land in the connection's schema (tests use one per run).
 */
export const registryMigration: Migration = {
  id: '0001-registry',
  sql: `
CREATE TABLE umbral_models (
  name        text PRIMARY KEY,
  description text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE umbral_versions (
  model           text NOT NULL REFERENCES umbral_models (name),
  version         integer NOT NULL CHECK (version > 0),
  artifact_sha256 text NOT NULL CHECK (artifact_sha256 ~ '^[0-9a-f]{64}$'),
  artifact_size   bigint NOT NULL CHECK (artifact_size >= 0),
  manifest        jsonb NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz,
  deleted_by      text,
  PRIMARY KEY (model, version),
  CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);

-- One live version per artifact and model: uploading the same bytes twice is a mistake to report.
CREATE UNIQUE INDEX umbral_versions_live_artifact
  ON umbral_versions (model, artifact_sha256) WHERE deleted_at IS NULL;

CREATE TABLE umbral_version_tags (
  model   text NOT NULL,
  version integer NOT NULL,
  tag     text NOT NULL,
  PRIMARY KEY (model, version, tag),
  FOREIGN KEY (model, version) REFERENCES umbral_versions (model, version)
);

CREATE TABLE umbral_aliases (
  model   text NOT NULL REFERENCES umbral_models (name),
  alias   text NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES umbral_versions (model, version)
);

CREATE INDEX umbral_aliases_version ON umbral_aliases (model, version);

-- No foreign key to umbral_models: the trail must outlive anything it talks about.
CREATE TABLE umbral_audit_log (
  id         bigserial PRIMARY KEY,
  model      text NOT NULL,
  actor      text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  action     text NOT NULL CHECK (action IN ('model.create', 'version.create', 'version.delete',
    'version.retire', 'version.tag', 'version.untag', 'alias.set', 'alias.delete', 'promote', 'rollback')),
  subject    text,
  from_value text,
  to_value   text
);

CREATE INDEX umbral_audit_log_model_id ON umbral_audit_log (model, id DESC);

CREATE FUNCTION umbral_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'umbral_audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER umbral_audit_log_no_change
  BEFORE UPDATE OR DELETE ON umbral_audit_log
  FOR EACH ROW EXECUTE FUNCTION umbral_audit_log_append_only();

CREATE TRIGGER umbral_audit_log_no_truncate
  BEFORE TRUNCATE ON umbral_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION umbral_audit_log_append_only();
`,
};
