import { Errors } from '../errors/catalogue.js';
import type { Queryable } from '../store/database.js';
import type { AccessTokens } from './access-tokens.js';
import { appendAuthEvent } from './auth-events.js';
import type { LoginThrottle } from './login-throttle.js';
import { checkPassword } from './password-policy.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import type { IssuedRefreshToken, RefreshTokenStore } from './refresh-token-store.js';
import type { UserRecord, UserStore } from './user-store.js';

/** What a login or a refresh gives: OAuth 2.0's token response, in camelCase. */
export interface TokenPair {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly refreshToken: string;
  /** Seconds until the refresh token expires (each use gives a new one). */
  readonly refreshExpiresIn: number;
}

export interface AccountsDeps {
  readonly db: Queryable;
  readonly users: UserStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly tokens: AccessTokens;
  readonly throttle: LoginThrottle;
  readonly registration: 'admin' | 'open';
  readonly passwordMinLength: number;
}

/** Where a request came from, for the audit trail and login throttling. */
export interface Origin {
  readonly address: string;
}

/**
 * Users' own account actions: register, log in, refresh, log out, change password. Answers never
 * tell whether a username exists: a wrong password, an unknown or a disabled user fail alike, after
 * the same argon2 work.
 */
export class Accounts {
  constructor(private readonly deps: AccountsDeps) {}

  async login(username: string, password: string, origin: Origin): Promise<TokenPair> {
    const { users, throttle, db } = this.deps;
    await throttle.check(username, origin.address).catch(async (error: unknown) => {
      await appendAuthEvent(db, { actor: 'anonymous', action: 'login.throttled', subject: subject(username), address: origin.address });
      throw error;
    });
    const found = await users.findForLogin(username);
    const passwordOk = found ? await verifyPassword(found.passwordHash, password) : await verifyAgainstDummy(password);
    if (!found || !passwordOk || found.user.disabled) {
      await throttle.failed(username, origin.address);
      await appendAuthEvent(db, { actor: 'anonymous', action: 'login.failed', subject: subject(username), address: origin.address });
      throw Errors.invalidCredentials();
    }
    await appendAuthEvent(db, { actor: `user:${found.user.username}`, action: 'login', subject: found.user.username, address: origin.address });
    return this.#pair(found.user, await this.deps.refreshTokens.issue(found.user.id));
  }

  async refresh(refreshToken: string, origin: Origin): Promise<TokenPair> {
    const next = await this.deps.refreshTokens.rotate(refreshToken, origin.address);
    const user = await this.deps.users.getById(next.userId);
    if (!user || user.disabled) throw Errors.refreshTokenInvalid('revoked');
    return this.#pair(user, next);
  }

  /**
   * Ends one of the caller's own sessions (logins): the one `refreshToken` belongs to or, without
   * one, the session of the access token in use. Its refresh tokens are revoked and its access
   * tokens refused at once. A refresh token of another user's session is refused
   * (UMBRAL_ERR_SESSION_NOT_OWNED) and ends nothing; an unknown one changes nothing. Only users
   * have sessions: API keys and external tokens are refused. With access control off every caller
   * is anonymous and may do anything: a refresh token ends its session whoever owns it.
   */
  async logout(principal: Principal, refreshToken: string | undefined, origin: Origin): Promise<void> {
    const session = refreshToken === undefined ? await this.#endCurrentSession(principal) : await this.#endSessionOf(refreshToken, principal);
    if (session === undefined) return;
    await appendAuthEvent(this.deps.db, { actor: principal.actor, action: 'logout', subject: principal.name, address: origin.address, detail: { session } });
  }

  /** The session of the caller's own access token. */
  async #endCurrentSession(principal: Principal): Promise<string> {
    if (principal.kind !== 'user' || principal.sessionId === undefined) throw Errors.sessionNotOwned(withoutSession(principal));
    await this.deps.refreshTokens.revokeSession(principal.sessionId, userIdOf(principal));
    return principal.sessionId;
  }

  /** The session `refreshToken` belongs to, when it is the caller's; undefined when the token is unknown. */
  async #endSessionOf(refreshToken: string, principal: Principal): Promise<string | undefined> {
    if (principal.kind !== 'user' && principal.kind !== 'anonymous') throw Errors.sessionNotOwned(withoutSession(principal));
    const outcome = await this.deps.refreshTokens.revokeFamily(refreshToken, principal.kind === 'user' ? userIdOf(principal) : undefined);
    if ('ended' in outcome) return outcome.ended;
    if (outcome.refused === 'not-owned') throw Errors.sessionNotOwned('the refresh token belongs to another user\'s session, which is left as it was');
    return undefined;
  }

  /**
   * Open registration: creates a client, or does nothing when the name is taken; the caller
   * answers the same either way.
   */
  async register(username: string, password: string, origin: Origin): Promise<void> {
    if (this.deps.registration !== 'open') throw Errors.registrationClosed();
    checkPassword(password, { minLength: this.deps.passwordMinLength, username });
    const passwordHash = await hashPassword(password);
    await this.deps.users.createIfAbsent({ username, passwordHash, role: 'client' }, 'anonymous', origin.address, 'register');
  }

  /** Changes the caller's password; every session of the user ends (tokens issued before stop working). */
  async changePassword(principal: Principal, current: string, next: string, origin: Origin): Promise<void> {
    if (principal.kind !== 'user') throw Errors.forbidden('a user login (API keys and external tokens have no password)');
    const found = await this.deps.users.findForLogin(principal.name);
    if (!found || !(await verifyPassword(found.passwordHash, current))) throw Errors.invalidCredentials();
    checkPassword(next, { minLength: this.deps.passwordMinLength, username: found.user.username });
    await this.deps.users.changePassword(found.user.id, await hashPassword(next), principal.actor, origin.address);
  }

  async #pair(user: UserRecord, refresh: IssuedRefreshToken): Promise<TokenPair> {
    const access = await this.deps.tokens.sign({
      sub: user.id, username: user.username, role: user.role, gen: user.tokenGeneration, sid: refresh.family,
    });
    return {
      accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn,
      refreshToken: refresh.token, refreshExpiresIn: Math.max(0, Math.round((refresh.expiresAt.getTime() - Date.now()) / 1000)),
    };
  }
}

/** A user principal's id in the store (its `id` is `user:<id>`). */
function userIdOf(principal: Principal): string {
  return principal.id.slice('user:'.length);
}

/** Why a caller without a session of ours cannot log one out, and what to send instead. */
function withoutSession(principal: Principal): string {
  if (principal.kind === 'key') return 'an API key has no session to log out; send the access token of the user whose session it is';
  if (principal.kind === 'oidc') return 'a token of the external identity provider has no session here; log out at the provider';
  return 'with access control off every caller is anonymous, without a session of its own; send {"refreshToken": "urt_…"} to end that session';
}

/**
 * What the trail records of an attempted username: bounded in length, control characters replaced
 * (PostgreSQL text cannot hold NUL, and a log reader should not get terminal escapes).
 */
function subject(username: string): string {
  return username.slice(0, 64).replace(/\p{Cc}/gu, '?');
}
