import { Errors } from '../errors/catalogue.js';
import type { Database, Queryable } from '../store/database.js';
import { ACCESS_CHANNEL } from './access-channel.js';
import { CLOCK_TOLERANCE_SECONDS } from './access-tokens.js';

/** A session whose access tokens are refused until `expiresAt`, when the last of them has expired anyway. */
export interface RevokedSession {
  /** The session id: the refresh-token family, as access tokens carry it in `sid`. */
  readonly sid: string;
  readonly expiresAt: Date;
}

/**
 * Beyond the access-token lifetime and the verifier's clock tolerance, for a token signed just
 * after a rotation that committed before the revocation, and for replicas' clocks that disagree
 * with the database's.
 */
const SLACK_SECONDS = 60;

/** How long a revoked session stays on the denylist: as long as one of its access tokens can still verify. */
export function denySeconds(accessTokenTtlSeconds: number): number {
  return accessTokenTtlSeconds + CLOCK_TOLERANCE_SECONDS + SLACK_SECONDS;
}

/**
 * Puts session `sid` on the denylist for `seconds`, in the caller's transaction `tx`, drops entries
 * whose time is up, and notifies ACCESS_CHANNEL `sessions` (delivered when `tx` commits).
 */
export async function denySession(db: Database, tx: Queryable, sid: string, seconds: number): Promise<RevokedSession> {
  await tx.query('DELETE FROM umbral_revoked_sessions WHERE expires_at <= now()');
  const [row] = await tx.query<{ sid: string; expires_at: Date }>(
    `INSERT INTO umbral_revoked_sessions (sid, expires_at) VALUES ($1, now() + $2::integer * interval '1 second')
     ON CONFLICT (sid) DO UPDATE SET expires_at = GREATEST(umbral_revoked_sessions.expires_at, EXCLUDED.expires_at)
     RETURNING sid, expires_at`, [sid, seconds]);
  if (!row) throw Errors.internal('inserting a revoked session returned no row');
  await db.notify(ACCESS_CHANNEL, 'sessions', tx);
  return { sid: row.sid, expiresAt: new Date(row.expires_at) };
}

/** The sessions on the denylist now: what the in-memory directory holds. */
export async function loadRevokedSessions(q: Queryable): Promise<RevokedSession[]> {
  const rows = await q.query<{ sid: string; expires_at: Date }>('SELECT sid, expires_at FROM umbral_revoked_sessions WHERE expires_at > now()');
  return rows.map((row) => ({ sid: row.sid, expiresAt: new Date(row.expires_at) }));
}
