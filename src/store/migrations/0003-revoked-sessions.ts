import type { Migration } from './migration.js';

/**
 * The revoked-session denylist: sessions (refresh-token families, the `sid` of their access tokens)
 * ended by a logout or revoked for a refresh-token reuse. Their access tokens are refused until
 * `expires_at`, when the last of them has expired anyway; rows past it are pruned.
 */
export const revokedSessionsMigration: Migration = {
  id: '0003-revoked-sessions',
  sql: `
CREATE TABLE umbral_revoked_sessions (
  sid        text PRIMARY KEY,
  revoked_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE INDEX umbral_revoked_sessions_expires ON umbral_revoked_sessions (expires_at);
`,
};
