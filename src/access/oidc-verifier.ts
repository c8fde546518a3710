import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Errors } from '../errors/catalogue.js';
import { MAX_TOKEN_LENGTH, tokenRefusal } from './access-tokens.js';
import { isRole, type Role } from './permissions.js';

/** The external OpenID Connect issuer whose access tokens are accepted too; `oidc.*` in the config. */
export interface OidcSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** The claim holding the caller's groups or roles. */
  readonly rolesClaim: string;
  /** `claimValue=role` entries. */
  readonly roleMap: readonly string[];
}

/** How the issuer's key set is fetched; jose's defaults (30 s, 5 s, 10 min) when left out. */
export interface JwksFetchOptions {
  /** Least time between two fetches, so tokens with unknown kids cannot make us hammer the issuer. */
  readonly cooldownMs?: number;
  readonly timeoutMs?: number;
  /** How long a fetched key set is used before it is fetched again. */
  readonly cacheMaxAgeMs?: number;
}

/** Who an external token speaks for. */
export interface OidcIdentity {
  readonly sub: string;
  /** `preferred_username`, else `email`, else `sub`. */
  readonly name: string;
  readonly role: Role;
}

/** Asymmetric only: the issuer publishes public keys, and an HMAC token could only be signed with one of those. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;
const STRENGTH: Readonly<Record<Role, number>> = { admin: 3, operator: 2, viewer: 1, client: 0 };

/**
 * Verifies access tokens of an external OpenID Connect issuer against its published keys (cached,
 * fetched again for an unknown kid at most once per cooldown) and maps its roles claim to a role.
 */
export class OidcVerifier {
  readonly issuer: string;
  readonly #keys: JWTVerifyGetKey;
  readonly #roles: ReadonlyMap<string, Role>;

  constructor(private readonly settings: OidcSettings, fetch: JwksFetchOptions = {}) {
    this.issuer = settings.issuer;
    this.#roles = parseRoleMap(settings.roleMap);
    const remote = createRemoteJWKSet(jwksUrl(settings.jwksUrl), {
      cooldownDuration: fetch.cooldownMs, timeoutDuration: fetch.timeoutMs, cacheMaxAge: fetch.cacheMaxAgeMs,
    });
    this.#keys = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // The issuer being down is the caller's 401, not our 5xx: another credential may still work.
        const known = error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys;
        throw Errors.tokenInvalid(known ? 'unknown signing key' : 'issuer keys unavailable');
      }
    };
  }

  /** Verifies the token and maps it to an identity; any failure throws `Errors.tokenInvalid`. */
  async verify(token: string): Promise<OidcIdentity> {
    if (token.length > MAX_TOKEN_LENGTH) throw Errors.tokenInvalid('malformed');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        algorithms: ALGORITHMS, issuer: this.settings.issuer, audience: this.settings.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw tokenRefusal(error);
    }
    const { sub } = payload;
    if (typeof sub !== 'string' || sub === '') throw Errors.tokenInvalid('malformed');
    return { sub, name: nonEmpty(payload.preferred_username) ?? nonEmpty(payload.email) ?? sub, role: this.#role(payload) };
  }

  #role(payload: JWTPayload): Role {
    let best: Role | undefined;
    for (const value of claimValues(payload[this.settings.rolesClaim])) {
      const role = this.#roles.get(value);
      if (role && (!best || STRENGTH[role] > STRENGTH[best])) best = role;
    }
    if (!best) throw Errors.tokenInvalid(`no role is mapped from the token's ${this.settings.rolesClaim} claim`);
    return best;
  }
}

/**
 * The `iss` of a JWT, read WITHOUT verifying anything: only to route the token to the verifier that
 * owns that issuer, which then checks it. Undefined for anything that is not a JWT with a string iss.
 */
export function tokenIssuer(token: string): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** A string claim is a space-separated list (as OAuth's `scope`); an array holds one value per item. */
function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(/\s+/).filter((value) => value !== '');
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string');
  return [];
}

function parseRoleMap(entries: readonly string[]): ReadonlyMap<string, Role> {
  const map = new Map<string, Role>();
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const value = entry.slice(0, at);
    const role = entry.slice(at + 1);
    if (at <= 0 || !isRole(role)) {
      throw Errors.configInvalid([`oidc.roleMap (UMBRAL_OIDC_ROLE_MAP): '${entry}' is not claimValue=role with role one of admin, operator, viewer, client`]);
    }
    const previous = map.get(value);
    if (!previous || STRENGTH[role] > STRENGTH[previous]) map.set(value, role);
  }
  return map;
}

function jwksUrl(text: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // reported below
  }
  throw Errors.configInvalid([`oidc.jwksUrl (UMBRAL_OIDC_JWKS_URL): '${text}' is not an http(s) URL`]);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
