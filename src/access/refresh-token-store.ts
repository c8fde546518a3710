import { randomUUID } from 'node:crypto';
import { Errors } from '../errors/catalogue.js';
import type { Database, Queryable } from '../store/database.js';
import { appendAuthEvent } from './auth-events.js';
import { generateSecret, parseSecret, safeEqualHex, sha256Hex } from './opaque-secret.js';

/** A refresh token as handed to its owner: the text is never stored, only a SHA-256 of its secret. */
export interface IssuedRefreshToken {
  /** `urt_<id>_<secret>`. */
  readonly token: string;
  readonly expiresAt: Date;
}

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

type Verdict = { readonly next: RotatedRefreshToken } | { readonly refused: string };

/**
 * Rotating refresh tokens (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): each is exchanged once for
 * the next of its family (one family per login); presenting a used one again means a copy exists
 * elsewhere, so the whole family is revoked.
 *
 * Lock order: every change to a user's tokens first locks the user's row (UserStore does the same
 * before revoking), so changes to one user's tokens take turns, and a revocation's UPDATE, a new
 * statement after the lock was granted, sees every token a rotation that went before created.
 */
export class RefreshTokenStore {
  constructor(private readonly db: Database, private readonly ttlSeconds: number) {
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
    return { token: secret.text, expiresAt: row.expires_at };
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
        await appendAuthEvent(tx, { actor, action: 'token.reuse', subject: row.family, address, detail: { tokenId: row.id } });
        return { refused: REUSED };
      }
      if (row.expired) return { refused: 'expired' };
      await tx.query('UPDATE umbral_refresh_tokens SET used_at = now() WHERE id = $1', [row.id]);
      const next = await this.issue(row.user_id, row.family, tx);
      await appendAuthEvent(tx, { actor, action: 'token.refresh', subject: row.family, address, detail: { tokenId: row.id } });
      return { next: { userId: row.user_id, ...next } };
    });
    // Thrown after the commit: the reuse revocation and its event must stand.
    if ('refused' in verdict) throw Errors.refreshTokenInvalid(verdict.refused);
    return verdict.next;
  }

  /**
   * Logout: revokes every token of the presented token's family. Resolves the owner when the token
   * is genuine (whatever its state), undefined for anything else; never throws for bad input.
   */
  async revokeFamily(token: string): Promise<{ userId: string } | undefined> {
    const presented = parseSecret(String(token), 'urt');
    if (!presented) return undefined;
    const presentedSha256 = sha256Hex(presented.secret);
    return this.db.transaction(async (tx) => {
      const owner = await lockOwner(tx, presented.id);
      const row = owner && await readToken(tx, presented.id);
      if (!row || !safeEqualHex(presentedSha256, row.secret_sha256)) return undefined;
      await revokeFamily(tx, row.family);
      return { userId: row.user_id };
    });
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
