import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import {
  SignJWT, calculateJwkThumbprint, errors, exportJWK, generateKeyPair, importJWK, importPKCS8, jwtVerify,
  type CryptoKey, type JWK, type JWTPayload,
} from 'jose';
import type { Config } from '../config/schema.js';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../errors/umbral-error.js';
import { isRole, type Role } from './permissions.js';

/** The algorithms umbral signs its access tokens with (`auth.jwtAlgorithm`). */
export type SigningAlgorithm = Config['auth']['jwtAlgorithm'];

/** How access tokens are signed and checked; `auth.*` in the config. */
export interface AccessTokenSettings {
  readonly algorithm: SigningAlgorithm;
  /** HMAC key for HS*; '' = generate an ephemeral one (development). */
  readonly secret: string;
  /** PKCS#8 PEM private key for the asymmetric algorithms; '' = generate an ephemeral pair. */
  readonly privateKeyPem: string;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

/** What umbral puts in an access token besides the registered claims. */
export interface AccessTokenSubject {
  /** The user's id. */
  readonly sub: string;
  readonly username: string;
  readonly role: Role;
  /** The user's token generation; a password change, role change or disable bumps it. */
  readonly gen: number;
  /** The session: the refresh-token family of the login; a logout or a reuse puts it on the denylist. */
  readonly sid: string;
}

/** The claims of an access token that verified. */
export interface AccessClaims extends AccessTokenSubject {
  readonly jti: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

/** RFC 9068's media type of a JWT access token; an ID token or another JWT is not one. */
const ACCESS_TOKEN_TYP = 'at+jwt';
/** How far past `exp` (and before `nbf`/`iat`) a token is still accepted, for clocks that disagree. */
export const CLOCK_TOLERANCE_SECONDS = 5;
const MIN_SECRET_BYTES = 32;
/** Refused before parsing: our tokens are a few hundred bytes. */
export const MAX_TOKEN_LENGTH = 8192;

interface KeyMaterial {
  readonly signing: CryptoKey | Uint8Array;
  readonly verifying: CryptoKey | Uint8Array;
  /** The public key as published, with kid, alg and use; absent for HMAC. */
  readonly publicJwk?: JWK;
  readonly ephemeral: boolean;
}

/** Verified tokens kept in memory: enough for every active user of a replica, a few MB at most. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Signs and verifies umbral's own access tokens (RFC 9068 JWTs). Verification accepts only the
 * configured algorithm, so `alg: none` and HMAC/RSA confusion are refused before any key is used.
 */
export class AccessTokens {
  /** Whether the key was generated at start-up (no key configured): tokens die with the process. */
  readonly ephemeral: boolean;
  /**
   * Tokens already verified, by their exact text: a client sends the same token for 15 minutes, and
   * a signature check costs more than the rest of access control. Only expiry is re-checked on a
   * hit (the text cannot change without missing the cache); revocation is the directory's, checked
   * on every request by the authenticator.
   */
  readonly #verified = new Map<string, AccessClaims>();

  private constructor(private readonly settings: AccessTokenSettings, private readonly key: KeyMaterial) {
    this.ephemeral = key.ephemeral;
  }

  /** Loads the configured key, or generates an ephemeral one; a key that does not fit throws at boot. */
  static async create(settings: AccessTokenSettings): Promise<AccessTokens> {
    const key = settings.algorithm.startsWith('HS') ? hmacKey(settings.secret) : await asymmetricKey(settings);
    return new AccessTokens(settings, key);
  }

  /** The `iss` of the tokens this server issues. */
  get issuer(): string {
    return this.settings.issuer;
  }

  /** Issues an access token for the user; `expiresIn` is its lifetime in seconds. */
  async sign(claims: AccessTokenSubject): Promise<{ token: string; expiresIn: number }> {
    const { algorithm, issuer, audience, ttlSeconds } = this.settings;
    const now = Math.floor(Date.now() / 1000);
    const kid = this.key.publicJwk?.kid;
    const token = await new SignJWT({ username: claims.username, role: claims.role, gen: claims.gen, sid: claims.sid })
      .setProtectedHeader({ alg: algorithm, typ: ACCESS_TOKEN_TYP, ...(kid ? { kid } : {}) })
      .setIssuer(issuer).setAudience(audience).setSubject(claims.sub)
      .setIssuedAt(now).setExpirationTime(now + ttlSeconds).setJti(randomUUID())
      .sign(this.key.signing);
    return { token, expiresIn: ttlSeconds };
  }

  /** Verifies a token this server issued; any failure throws `Errors.tokenInvalid` with a short reason. */
  async verify(token: string): Promise<AccessClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw Errors.tokenInvalid('malformed');
    const cached = this.#verified.get(token);
    if (cached) {
      if (cached.exp + CLOCK_TOLERANCE_SECONDS > Date.now() / 1000) return cached;
      this.#verified.delete(token);
      throw Errors.tokenInvalid('expired');
    }
    const { algorithm, issuer, audience, ttlSeconds } = this.settings;
    let claims: AccessClaims;
    try {
      const { payload } = await jwtVerify(token, this.key.verifying, {
        algorithms: [algorithm], typ: ACCESS_TOKEN_TYP, issuer, audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS, maxTokenAge: ttlSeconds, requiredClaims: ['exp', 'jti', 'sub'],
      });
      claims = accessClaims(payload);
    } catch (error) {
      throw tokenRefusal(error);
    }
    // Bounded: past the limit the oldest entry goes (a Map iterates in insertion order).
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value as string);
    this.#verified.set(token, claims);
    return claims;
  }

  /** The public key set for `/.well-known/jwks.json`; undefined for HMAC, whose key is never published. */
  jwks(): { keys: JWK[] } | undefined {
    return this.key.publicJwk ? { keys: [{ ...this.key.publicJwk }] } : undefined;
  }
}

/**
 * Maps a failed JWT verification to a 401 whose reason names the kind of failure and nothing of the
 * token or the key. An UmbralError (thrown by a key resolver) passes through.
 */
export function tokenRefusal(error: unknown): UmbralError {
  if (isUmbralError(error)) return error;
  return Errors.tokenInvalid(refusalReason(error));
}

const CLAIM_REASONS: Readonly<Record<string, string>> = {
  iss: 'wrong issuer', aud: 'wrong audience', nbf: 'not yet valid', iat: 'not yet valid', typ: 'not an access token',
};

function refusalReason(error: unknown): string {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed && error.reason !== 'missing') return CLAIM_REASONS[error.claim] ?? 'malformed';
  return 'malformed';
}

function accessClaims(payload: JWTPayload): AccessClaims {
  const { sub, jti, exp, username, role, gen, sid } = payload;
  // No sid, no way to revoke the session: such a token is refused, never accepted unrevocable.
  const valid = typeof sub === 'string' && sub !== '' && typeof jti === 'string' && typeof exp === 'number'
    && typeof username === 'string' && isRole(role) && typeof gen === 'number' && Number.isSafeInteger(gen) && gen >= 0
    && typeof sid === 'string' && sid !== '';
  if (!valid) throw Errors.tokenInvalid('malformed');
  return { sub, username, role, gen, sid, jti, exp };
}

function hmacKey(secret: string): KeyMaterial {
  if (secret === '') {
    const key = randomBytes(32);
    return { signing: key, verifying: key, ephemeral: true };
  }
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SECRET_BYTES) {
    throw Errors.configInvalid([`auth.jwtSecret (UMBRAL_JWT_SECRET): must be at least ${MIN_SECRET_BYTES} bytes`]);
  }
  return { signing: key, verifying: key, ephemeral: false };
}

async function asymmetricKey({ algorithm, privateKeyPem }: AccessTokenSettings): Promise<KeyMaterial> {
  if (privateKeyPem === '') {
    const pair = await generateKeyPair(algorithm);
    return { signing: pair.privateKey, verifying: pair.publicKey, publicJwk: await published(await exportJWK(pair.publicKey), algorithm), ephemeral: true };
  }
  try {
    const signing = await importPKCS8(privateKeyPem, algorithm);
    const publicJwk = await published(createPublicKey(privateKeyPem).export({ format: 'jwk' }) as JWK, algorithm);
    return { signing, verifying: await importJWK(publicJwk, algorithm), publicJwk, ephemeral: false };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw Errors.configInvalid([`auth.jwtPrivateKey (UMBRAL_JWT_PRIVATE_KEY): not a PKCS#8 PEM private key for ${algorithm} (${detail})`]);
  }
}

/** Only the public members, named by their RFC 7638 thumbprint, so the kid changes with the key. */
async function published(jwk: JWK, algorithm: SigningAlgorithm): Promise<JWK> {
  const { kty, crv, n, e, x, y } = jwk;
  const only: JWK = Object.fromEntries(Object.entries({ kty, crv, n, e, x, y }).filter(([, value]) => value !== undefined));
  return { ...only, kid: await calculateJwkThumbprint(only), alg: algorithm, use: 'sig' };
}
