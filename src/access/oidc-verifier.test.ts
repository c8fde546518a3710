import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import { OidcVerifier, tokenIssuer, type JwksFetchOptions, type OidcSettings } from './oidc-verifier.js';

const ISSUER = 'https://login.example.test/realms/ml';

interface IssuerKey {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function issuerKey(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string): Promise<IssuerKey> {
  const pair = await generateKeyPair(alg);
  return { alg, kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } };
}

/** The external issuer: serves its JWKS over real HTTP, counting fetches, and can be made to fail. */
const upstream = { keys: [] as JWK[], status: 200, hang: false, fetches: 0 };

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/protocol/openid-connect/certs`);
  }));
}

async function refused(promise: Promise<unknown>, reason: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isUmbralError(error), String(error));
    assert.equal(error.code, Errors.tokenInvalid.code);
    assert.equal(error.status, 401);
    assert.equal(error.message, Errors.tokenInvalid(reason).message);
    return true;
  });
}

describe('OidcVerifier against a JWKS served over HTTP', () => {
  const server = createServer((request, response) => {
    upstream.fetches += 1;
    if (upstream.hang) return;
    response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: upstream.keys }));
  });
  let jwksUrl: string;
  let first: IssuerKey;
  let second: IssuerKey;

  const settings = (): OidcSettings => ({
    issuer: ISSUER, audience: 'umbral', jwksUrl, rolesClaim: 'groups',
    roleMap: ['ml-users=client', 'ml-readers=viewer', 'ml-team=operator', 'ml-admins=admin', 'ml-admins=viewer'],
  });
  const verifier = (options: JwksFetchOptions = {}) => new OidcVerifier(settings(), options);

  async function token(key: IssuerKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: 'umbral', sub: 'ext-42', iat: now, exp: now + 300, groups: ['ml-team'], ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
  }

  before(async () => {
    jwksUrl = await listen(server);
    first = await issuerKey('RS256', 'key-2024');
    second = await issuerKey('ES256', 'key-2025');
  });
  beforeEach(() => Object.assign(upstream, { keys: [first.jwk], status: 200, hang: false, fetches: 0 }));
  after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  it('verifies a token and maps its claim to a role and its name', async () => {
    const oidc = verifier();
    assert.equal(oidc.issuer, ISSUER);
    assert.deepEqual(await oidc.verify(await token(first, { preferred_username: 'dana', email: 'dana@example.test' })),
      { sub: 'ext-42', name: 'dana', role: 'operator' });
    assert.deepEqual(await oidc.verify(await token(first, { email: 'dana@example.test' })), { sub: 'ext-42', name: 'dana@example.test', role: 'operator' });
    assert.deepEqual(await oidc.verify(await token(first)), { sub: 'ext-42', name: 'ext-42', role: 'operator' });
    assert.equal(upstream.fetches, 1, 'the key set is cached');
  });

  it('takes the strongest mapped role, from an array or a space-separated string', async () => {
    const oidc = verifier();
    assert.equal((await oidc.verify(await token(first, { groups: ['ml-readers', 'ml-admins', 'ml-users', 7] }))).role, 'admin');
    assert.equal((await oidc.verify(await token(first, { groups: 'unrelated ml-users  ml-readers' }))).role, 'viewer');
    assert.equal((await oidc.verify(await token(first, { groups: 'ml-users' }))).role, 'client');
  });

  it('refuses a token from which no role is mapped', async () => {
    const oidc = verifier();
    const reason = "no role is mapped from the token's groups claim";
    for (const groups of [['staff'], 'ML-TEAM', [], { 'ml-team': true }, undefined]) {
      await refused(oidc.verify(await token(first, { groups })), reason);
    }
  });

  it('refuses a wrong audience, a wrong issuer, an expired token', async () => {
    const oidc = verifier();
    await refused(oidc.verify(await token(first, { aud: 'another-app' })), 'wrong audience');
    await refused(oidc.verify(await token(first, { iss: 'https://evil.example.test' })), 'wrong issuer');
    await refused(oidc.verify(await token(first, { exp: Math.floor(Date.now() / 1000) - 60 })), 'expired');
    await refused(oidc.verify(await token(first, { sub: undefined })), 'malformed');
  });

  it('refuses HMAC and unsigned tokens without asking the issuer', async () => {
    const oidc = verifier();
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(first.jwk));
    const now = Math.floor(Date.now() / 1000);
    const hmac = await new SignJWT({ iss: ISSUER, aud: 'umbral', sub: 'x', exp: now + 60, groups: ['ml-admins'] })
      .setProtectedHeader({ alg: 'HS256', kid: first.kid }).sign(publicKeyBytes);
    await refused(oidc.verify(hmac), 'algorithm not accepted');
    const [, payload] = hmac.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: first.kid })).toString('base64url')}.${payload}.`;
    await refused(oidc.verify(none), 'algorithm not accepted');
    assert.equal(upstream.fetches, 0);
  });

  it('refuses a token signed by another key under a published kid', async () => {
    const impostor = await issuerKey('RS256', first.kid);
    await refused(verifier().verify(await token(impostor, { groups: ['ml-admins'] })), 'bad signature');
  });

  it('fetches the key set again when a token names a kid it has not seen (key rotation)', async () => {
    const oidc = verifier({ cooldownMs: 0 });
    assert.equal((await oidc.verify(await token(first))).role, 'operator');
    upstream.keys = [first.jwk, second.jwk];
    assert.equal((await oidc.verify(await token(second, { groups: ['ml-admins'] }))).role, 'admin');
    assert.equal(upstream.fetches, 2);
    assert.equal((await oidc.verify(await token(first))).role, 'operator');
    assert.equal(upstream.fetches, 2, 'known kids do not fetch');
  });

  it('does not fetch again within the cooldown, however many unknown kids arrive', async () => {
    const oidc = verifier();
    await oidc.verify(await token(first));
    upstream.keys = [first.jwk, second.jwk];
    for (let i = 0; i < 5; i++) await refused(oidc.verify(await token(second)), 'unknown signing key');
    assert.equal(upstream.fetches, 1);
  });

  it('answers 401 "issuer keys unavailable" when the key set cannot be fetched', async () => {
    upstream.status = 500;
    await refused(verifier().verify(await token(first)), 'issuer keys unavailable');
    upstream.status = 200;
    upstream.keys = 'not a key set' as unknown as JWK[];
    await refused(verifier().verify(await token(first)), 'issuer keys unavailable');
    upstream.hang = true;
    await refused(verifier({ timeoutMs: 100 }).verify(await token(first)), 'issuer keys unavailable');
    const closed = new OidcVerifier({ ...settings(), jwksUrl: 'http://127.0.0.1:1/certs' });
    await refused(closed.verify(await token(first)), 'issuer keys unavailable');
  });

  it('refuses a bad role map or JWKS URL at boot', () => {
    const boot = (patch: Partial<OidcSettings>, pattern: RegExp) => assert.throws(() => new OidcVerifier({ ...settings(), ...patch }), (error: unknown) => {
      assert.ok(isUmbralError(error));
      assert.equal(error.code, Errors.configInvalid.code);
      assert.match(error.message, pattern);
      return true;
    });
    boot({ roleMap: ['ml-team=root'] }, /oidc.roleMap .* 'ml-team=root'/);
    boot({ roleMap: ['=admin'] }, /oidc.roleMap/);
    boot({ jwksUrl: 'file:///etc/passwd' }, /oidc.jwksUrl/);
    boot({ jwksUrl: 'not a url' }, /oidc.jwksUrl/);
  });
});

describe('tokenIssuer', () => {
  const jwt = (payload: unknown) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

  it('reads iss without verifying', () => {
    assert.equal(tokenIssuer(jwt({ iss: ISSUER })), ISSUER);
  });

  it('answers undefined for anything else', () => {
    for (const text of ['', 'abc', 'a.b.c', jwt({ iss: 7 }), jwt({}), jwt([ISSUER]), `${jwt({ iss: ISSUER })}${'A'.repeat(100_000)}`]) {
      assert.equal(tokenIssuer(text), undefined, text.slice(0, 40));
    }
  });
});
