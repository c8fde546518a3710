import type { Migration } from './migration.js';

/**
 * Access control: API keys (only a SHA-256 of the secret is kept), users (argon2id password hashes),
 * rotating refresh tokens grouped in families for reuse detection, and an append-only trail of
 * every authentication event, guarded by the registry's append-only trigger function.
 */
export const accessMigration: Migration = {
  id: '0002-access',
  sql: `
CREATE TABLE umbral_api_keys (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  scopes        jsonb NOT NULL,
  models        jsonb,
  limits        jsonb,
  expires_at    timestamptz,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  revoked_by    text,
  last_used_at  timestamptz,
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

CREATE TABLE umbral_users (
  id                  bigserial PRIMARY KEY,
  username            text NOT NULL UNIQUE,
  password_hash       text NOT NULL,
  role                text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer', 'client')),
  disabled_at         timestamptz,
  -- Bumped by a password change, a disable or a logout everywhere: older access tokens stop working.
  token_generation    integer NOT NULL DEFAULT 0,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE umbral_refresh_tokens (
  id            text PRIMARY KEY,
  family        text NOT NULL,
  user_id       bigint NOT NULL REFERENCES umbral_users (id),
  secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- Set when the token is exchanged for the next one: a second exchange is a reuse.
  used_at       timestamptz,
  revoked_at    timestamptz
);

CREATE INDEX umbral_refresh_tokens_family ON umbral_refresh_tokens (family);
CREATE INDEX umbral_refresh_tokens_user ON umbral_refresh_tokens (user_id);

CREATE TABLE umbral_auth_events (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  action  text NOT NULL CHECK (action IN ('bootstrap', 'login', 'login.failed', 'login.throttled', 'logout',
    'register', 'token.refresh', 'token.reuse', 'password.change', 'key.create', 'key.revoke',
    'user.create', 'user.role', 'user.disable', 'user.enable')),
  subject text,
  address text,
  detail  jsonb
);

CREATE INDEX umbral_auth_events_id ON umbral_auth_events (id DESC);

CREATE TRIGGER umbral_auth_events_no_change
  BEFORE UPDATE OR DELETE ON umbral_auth_events
  FOR EACH ROW EXECUTE FUNCTION umbral_audit_log_append_only();

CREATE TRIGGER umbral_auth_events_no_truncate
  BEFORE TRUNCATE ON umbral_auth_events
  FOR EACH STATEMENT EXECUTE FUNCTION umbral_audit_log_append_only();
`,
};
