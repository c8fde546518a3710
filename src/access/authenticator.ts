import { Errors } from '../errors/catalogue.js';
import type { AccessClaims } from './access-tokens.js';
import type { ActiveKey, UserSnapshot } from './access-directory.js';
import { ROLE_PERMISSIONS, type Permission, type Role } from './permissions.js';
import type { Principal } from './principal.js';

/** The credential headers of one request, as received. */
export interface CredentialHeaders {
  readonly authorization?: string | string[] | undefined;
  readonly 'x-api-key'?: string | string[] | undefined;
}

/** What the authenticator reads; each part is in memory or pure CPU (no database on the hot path). */
export interface AuthenticatorDeps {
  findKey(text: string): ActiveKey | undefined;
  user(id: string): UserSnapshot | undefined;
  /** Whether a session (an access token's `sid`) was logged out or revoked (the directory's denylist). */
  sessionRevoked(sid: string): boolean;
  verifyAccessToken(token: string): Promise<AccessClaims>;
  /** The external OpenID Connect issuer, when configured. */
  readonly oidc?: {
    readonly issuer: string;
    verify(token: string): Promise<{ sub: string; name: string; role: Role }>;
  };
  /** Reads `iss` from a JWT without verifying it (routes the token to the verifier that owns it). */
  tokenIssuer(token: string): string | undefined;
}

/** Longer credentials are refused before any parsing: nothing legitimate is this large. */
const MAX_CREDENTIAL_LENGTH = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Turns a request's credential into a Principal. `Authorization: Bearer` carries an API key or an
 * access token (ours or the OIDC issuer's); `X-API-Key` carries an API key. No credential resolves
 * undefined (the caller decides whether the route needs one); a bad one throws 401.
 */
export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  async authenticate(headers: CredentialHeaders): Promise<Principal | undefined> {
    const bearer = single(headers.authorization, 'Authorization');
    const apiKey = single(headers['x-api-key'], 'X-API-Key');
    if (bearer !== undefined && apiKey !== undefined) throw Errors.unauthenticated('both Authorization and X-API-Key were sent; send one credential');
    if (apiKey !== undefined) return this.#key(apiKey);
    if (bearer === undefined) return undefined;
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(bearer);
    if (!match) throw Errors.unauthenticated('the Authorization header is not of the form "Bearer <credential>"');
    const credential = match[1] as string;
    return JWT_SHAPE.test(credential) ? this.#token(credential) : this.#key(credential);
  }

  #key(text: string): Principal {
    const key = this.deps.findKey(text);
    if (!key) throw Errors.unauthenticated('the API key is unknown, revoked or expired');
    return {
      kind: 'key', id: `key:${key.id}`, actor: `key:${key.id}`, name: key.name,
      permissions: new Set<Permission>(key.scopes),
      ...(key.models ? { models: key.models } : {}),
      ...(key.limits ? { limits: key.limits } : {}),
      ...(key.expiresAt ? { expiresAt: key.expiresAt } : {}),
    };
  }

  async #token(token: string): Promise<Principal> {
    const { oidc } = this.deps;
    if (oidc && this.deps.tokenIssuer(token) === oidc.issuer) {
      const external = await oidc.verify(token);
      return {
        kind: 'oidc', id: `oidc:${external.sub}`, actor: `oidc:${external.name}`, name: external.name,
        role: external.role, permissions: new Set(ROLE_PERMISSIONS[external.role]),
      };
    }
    const claims = await this.deps.verifyAccessToken(token);
    const user = this.deps.user(claims.sub);
    // The directory, not the token, is the truth for role and state: changes apply at once.
    if (!user || user.disabled) throw Errors.tokenInvalid('the user is disabled or no longer exists');
    if (user.tokenGeneration !== claims.gen) throw Errors.tokenInvalid('revoked by a password change, role change or disable');
    if (this.deps.sessionRevoked(claims.sid)) throw Errors.tokenInvalid('the session was logged out or revoked');
    return {
      kind: 'user', id: `user:${user.id}`, actor: `user:${user.username}`, name: user.username,
      role: user.role, permissions: new Set(ROLE_PERMISSIONS[user.role]), sessionId: claims.sid,
    };
  }
}

function single(value: string | string[] | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) throw Errors.unauthenticated(`${name} was sent more than once; send it once`);
  if (value.length > MAX_CREDENTIAL_LENGTH) throw Errors.unauthenticated(`the ${name} header is longer than ${MAX_CREDENTIAL_LENGTH} characters`);
  return value;
}
