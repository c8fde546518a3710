import { randomUUID } from 'node:crypto';
import { Errors } from '../errors/catalogue.js';
import type { Database, Queryable } from '../store/database.js';
import { appendAuthEvent } from './auth-events.js';
import { generateSecret, parseSecret, safeEqualHex, sha256Hex } from './opaque-secret.js';
import { denySession, type RevokedSession } from './revoked-sessions.js';

/** A refresh token as handed to its owner: the text is never stored, only a SHA-256 of its secret. */
export interface IssuedRefreshToken {
  /** `urt_<id>_<secret>`. */
  readonly token: string;
  readonly expiresAt: Date;
  /** The token's family: the session (one login) its access tokens name in `sid`. */
  readonly family: string;
}

/** How sessions are revoked along with their refresh tokens. */
export interface SessionRevocation {
  /** How long a revoked session's access tokens stay refused (`denySeconds` of the access-token lifetime). */
  readonly denySeconds: number;
  /**
   * Told of each revoked session once its revocation is committed, so that this replica refuses the
   * session's access tokens before the notification comes round.
   */
  readonly onRevoked?: (session: RevokedSession) => void;
}

/** What a logout with a refresh token did: ended session `ended`, or nothing. */
export type LogoutOutcome = { readonly ended: string } | { readonly refused: 'not-owned' | 'unknown' };

/** What a rotation gives: the next token of the same family, and whose it is. */
export interface RotatedRefreshToken extends IssuedRefreshToken {
  readonly userId: string;
}

const REUSED = 'reused; every session of this login was revoked';

interface TokenRow {
  id: string;
  family: string;
  user_id: string;
  secret_sha256: string;
  used: boolean;
  revoked: boolean;
  expired: boolean;
}

type Verdict = { readonly next: RotatedRefreshToken } | { readonly refused: string; readonly revoked?: RevokedSession };

/**
 * Rotating refresh tokens (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): each is exchanged once for
 * the next of its family (one family per login, a session); presenting a used one again means a
 * copy exists elsewhere, so the whole family is revoked. A family revoked for reuse or by a logout
 * goes on the session denylist in the same transaction, so its access tokens stop working too.
 *
 * Lock order: every change to a user's tokens first locks the user's row (UserStore does the same
 * before revoking), so changes to one user's tokens take turns, and a revocation's UPDATE, a new
 * statement after the lock was granted, sees every token a rotation that went before created.
 */
export class RefreshTokenStore {
  constructor(private readonly db: Database, private readonly ttlSeconds: number, private readonly sessions: SessionRevocation) {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
      throw Errors.configInvalid([`refresh token lifetime must be a whole number of seconds, 1 or more (got ${ttlSeconds})`]);
    }
  }

  /** A new token for the user, in `family` or, when none is given, a new one (a new login). */
  async issue(userId: string, family: string = randomUUID(), tx: Queryable = this.db): Promise<IssuedRefreshToken> {
    const secret = generateSecret('urt');
    const [row] = await tx.query<{ expires_at: Date }>(
      `INSERT INTO umbral_refresh_tokens (id, family, user_id, secret_sha256, expires_at)
       VALUES ($1, $2, $3, $4, now() + $5::integer * interval '1 second') RETURNING expires_at`,
      [secret.id, family, userId, secret.sha256, this.ttlSeconds]);
    if (!row) throw Errors.internal('inserting a refresh token returned no row');
    return { token: secret.text, expiresAt: row.expires_at, family };
  }

  /**
   * Exchanges a token for the next one of its family. Throws UMBRAL_ERR_REFRESH_TOKEN_INVALID when
   * it is unknown, revoked (or its user disabled), expired, or used before; in that last case every
   * token of the family is revoked first, and that revocation is committed.
   */
  async rotate(token: string, address?: string): Promise<RotatedRefreshToken> {
    const presented = parseSecret(String(token), 'urt');
    if (!presented) throw Errors.refreshTokenInvalid('unknown');
    const presentedSha256 = sha256Hex(presented.secret);
    const verdict = await this.db.transaction(async (tx): Promise<Verdict> => {
      const owner = await lockOwner(tx, presented.id);
      const row = owner && await readToken(tx, presented.id);
      if (!owner || !row || !safeEqualHex(presentedSha256, row.secret_sha256)) return { refused: 'unknown' };
      if (row.revoked || owner.disabled) return { refused: 'revoked' };
      const actor = `user:${owner.username}`;
      // Reuse is judged before expiry: a replayed old token shows a copy exists however old it is.
      if (row.used) {
        await revokeFamily(tx, row.family);
        const revoked = await denySession(this.db, tx, row.family, this.sessions.denySeconds);
        await appendAuthEvent(tx, { actor, action: 'token.reuse', subject: row.family, address, detail: { tokenId: row.id } });
        return { refused: REUSED, revoked };
      }
      if (row.expired) return { refused: 'expired' };
      await tx.query('UPDATE umbral_refresh_tokens SET used_at = now() WHERE id = $1', [row.id]);
      const next = await this.issue(row.user_id, row.family, tx);
      await appendAuthEvent(tx, { actor, action: 'token.refresh', subject: row.family, address, detail: { tokenId: row.id } });
      return { next: { userId: row.user_id, ...next } };
    });
    // Thrown after the commit: the reuse revocation and its event must stand.
    if ('refused' in verdict) {
      if (verdict.revoked) this.sessions.onRevoked?.(verdict.revoked);
      throw Errors.refreshTokenInvalid(verdict.refused);
    }
    return verdict.next;
  }

  /**
   * Logout with a refresh token: when the token is genuine (whatever its state) and `userId`'s,
   * revokes every token of its family and puts the session on the denylist. Another user's token
   * changes nothing (`not-owned`), nor does anything else (`unknown`); never throws for bad input.
   * `userId` undefined: whoever's it is (access control off: every caller may do everything).
   */
  async revokeFamily(token: string, userId: string | undefined): Promise<LogoutOutcome> {
    const presented = parseSecret(String(token), 'urt');
    if (!presented) return { refused: 'unknown' };
    const presentedSha256 = sha256Hex(presented.secret);
    const outcome = await this.db.transaction(async (tx): Promise<LogoutOutcome | RevokedSession> => {
      const owner = await lockOwner(tx, presented.id);
      const row = owner && await readToken(tx, presented.id);
      if (!row || !safeEqualHex(presentedSha256, row.secret_sha256)) return { refused: 'unknown' };
      if (userId !== undefined && String(row.user_id) !== userId) return { refused: 'not-owned' };
      await revokeFamily(tx, row.family);
      return denySession(this.db, tx, row.family, this.sessions.denySeconds);
    });
    if (!('sid' in outcome)) return outcome;
    this.sessions.onRevoked?.(outcome);
    return { ended: outcome.sid };
  }

  /**
   * Logout without a refresh token: ends session `sid` of user `userId` (the caller's own, from its
   * access token), its refresh tokens revoked and its access tokens put on the denylist.
   */
  async revokeSession(sid: string, userId: string): Promise<void> {
    const revoked = await this.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM umbral_users WHERE id = $1 FOR UPDATE', [userId]);
      await tx.query('UPDATE umbral_refresh_tokens SET revoked_at = now() WHERE family = $1 AND user_id = $2 AND revoked_at IS NULL', [sid, userId]);
      return denySession(this.db, tx, sid, this.sessions.denySeconds);
    });
    this.sessions.onRevoked?.(revoked);
  }

  /**
   * Revokes every token of a user; resolves how many were live. Inside `tx`, the caller must
   * already hold the user's row lock (any UPDATE of the row takes it).
   */
  async revokeAllForUser(userId: string, tx?: Queryable): Promise<number> {
    if (tx) return revokeUserRefreshTokens(tx, userId);
    return this.db.transaction(async (own) => {
      await own.query('SELECT id FROM umbral_users WHERE id = $1 FOR UPDATE', [userId]);
      return revokeUserRefreshTokens(own, userId);
    });
  }
}

/**
 * Revokes every live token of a user, for UserStore's disable and password change. The caller's
 * transaction must hold the user's row lock (see RefreshTokenStore's lock order).
 */
export async function revokeUserRefreshTokens(tx: Queryable, userId: string): Promise<number> {
  const rows = await tx.query('UPDATE umbral_refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id', [userId]);
  return rows.length;
}

/** Locks the row of the user owning token `id`; undefined when there is no such token. */
async function lockOwner(tx: Queryable, id: string): Promise<{ username: string; disabled: boolean } | undefined> {
  const [owner] = await tx.query<{ username: string; disabled: boolean }>(
    `SELECT u.username, u.disabled_at IS NOT NULL AS disabled FROM umbral_users u
     WHERE u.id = (SELECT user_id FROM umbral_refresh_tokens WHERE id = $1) FOR UPDATE`, [id]);
  return owner;
}

/** Reads a token, after its owner's lock was granted: a new statement, so it sees what went before. */
async function readToken(tx: Queryable, id: string): Promise<TokenRow | undefined> {
  const [row] = await tx.query<TokenRow>(
    `SELECT id, family, user_id, secret_sha256, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked,
       expires_at <= now() AS expired
     FROM umbral_refresh_tokens WHERE id = $1`, [id]);
  return row;
}

async function revokeFamily(tx: Queryable, family: string): Promise<void> {
  await tx.query('UPDATE umbral_refresh_tokens SET revoked_at = now() WHERE family = $1 AND revoked_at IS NULL', [family]);
}
