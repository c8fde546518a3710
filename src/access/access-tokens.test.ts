import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  SignJWT, decodeJwt, decodeProtectedHeader, importJWK, importPKCS8, jwtVerify,
  type JWTHeaderParameters, type JWTPayload,
} from 'jose';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import { AccessTokens, type AccessTokenSettings, type SigningAlgorithm } from './access-tokens.js';

const SECRET = 'a-shared-hmac-secret-of-at-least-32-bytes!';
const USER = { sub: 'user-1', username: 'alice', role: 'operator', gen: 3, sid: 'session-1' } as const;

const SPKI = { type: 'spki', format: 'pem' } as const;
const PKCS8 = { type: 'pkcs8', format: 'pem' } as const;
const rsaPem = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: SPKI, privateKeyEncoding: PKCS8 });
const RSA = rsaPem();
const EC = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: SPKI, privateKeyEncoding: PKCS8 });
const ED = generateKeyPairSync('ed25519', { publicKeyEncoding: SPKI, privateKeyEncoding: PKCS8 });

function settings(algorithm: SigningAlgorithm, key: { secret?: string; privateKeyPem?: string } = {}): AccessTokenSettings {
  return { algorithm, secret: key.secret ?? '', privateKeyPem: key.privateKeyPem ?? '', issuer: 'umbral', audience: 'umbral-api', ttlSeconds: 900 };
}

const now = (): number => Math.floor(Date.now() / 1000);

/** A token signed with the verifier's own key, with whatever header and claims the attacker chose. */
async function forge(key: SigningKey, alg: string, claims: Record<string, unknown>, header: Partial<JWTHeaderParameters> = { typ: 'at+jwt' }): Promise<string> {
  return new SignJWT(validClaims(claims)).setProtectedHeader({ ...header, alg }).sign(key);
}
type SigningKey = Parameters<SignJWT['sign']>[0];

function validClaims(claims: Record<string, unknown> = {}): JWTPayload {
  return { iss: 'umbral', aud: 'umbral-api', sub: 'user-1', jti: 'j-1', iat: now(), exp: now() + 60, username: 'alice', role: 'admin', gen: 0, sid: 'session-1', ...claims };
}

/** HS256 by hand, for headers jose itself refuses to sign. */
function handSigned(header: object, payload: object, secret: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

async function refused(tokens: AccessTokens, token: string, reason: string): Promise<void> {
  await assert.rejects(tokens.verify(token), (error: unknown) => {
    assert.ok(isUmbralError(error), String(error));
    assert.equal(error.code, Errors.tokenInvalid.code);
    assert.equal(error.status, 401);
    assert.equal(error.message, Errors.tokenInvalid(reason).message);
    return true;
  });
}

describe('AccessTokens round trips', () => {
  const cases: Array<[SigningAlgorithm, { secret?: string; privateKeyPem?: string }]> = [
    ['HS256', { secret: SECRET }], ['HS512', { secret: SECRET }], ['RS256', { privateKeyPem: RSA.privateKey }],
    ['PS256', { privateKeyPem: RSA.privateKey }], ['ES256', { privateKeyPem: EC.privateKey }], ['EdDSA', { privateKeyPem: ED.privateKey }],
  ];
  for (const [algorithm, key] of cases) {
    it(`signs and verifies with ${algorithm} and a configured key`, async () => {
      const tokens = await AccessTokens.create(settings(algorithm, key));
      assert.equal(tokens.ephemeral, false);
      const { token, expiresIn } = await tokens.sign(USER);
      assert.equal(expiresIn, 900);
      const header = decodeProtectedHeader(token);
      assert.equal(header.alg, algorithm);
      assert.equal(header.typ, 'at+jwt');
      const payload = decodeJwt(token);
      assert.deepEqual([payload.iss, payload.aud, payload.sub], ['umbral', 'umbral-api', 'user-1']);
      assert.equal((payload.exp as number) - (payload.iat as number), 900);
      assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
      const claims = await tokens.verify(token);
      assert.deepEqual({ ...claims }, { ...USER, jti: payload.jti, exp: payload.exp });
      assert.notEqual((await tokens.sign(USER)).token, token, 'each token has its own jti');

      const jwks = tokens.jwks();
      if (algorithm.startsWith('HS')) {
        assert.equal(jwks, undefined);
        assert.equal(header.kid, undefined);
        return;
      }
      assert.ok(jwks);
      const [jwk] = jwks.keys;
      assert.ok(jwk);
      assert.deepEqual([jwk.kid, jwk.alg, jwk.use], [header.kid, algorithm, 'sig']);
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(jwk[secret as keyof typeof jwk], undefined, `no ${secret} in the JWKS`);
      // What a third party does with the published key.
      const verified = await jwtVerify(token, await importJWK(jwk, algorithm), { algorithms: [algorithm] });
      assert.equal(verified.payload.username, 'alice');
    });
  }

  for (const algorithm of ['HS256', 'RS256', 'ES256', 'EdDSA'] as const) {
    it(`generates an ephemeral ${algorithm} key when none is configured, and says so`, async () => {
      const first = await AccessTokens.create(settings(algorithm));
      const second = await AccessTokens.create(settings(algorithm));
      assert.equal(first.ephemeral, true);
      const { token } = await first.sign(USER);
      assert.equal((await first.verify(token)).username, 'alice');
      await refused(second, token, 'bad signature');
      assert.equal(first.jwks() === undefined, algorithm === 'HS256');
      if (algorithm !== 'HS256') assert.notEqual(first.jwks()?.keys[0]?.kid, second.jwks()?.keys[0]?.kid);
    });
  }

  it('exposes the issuer', async () => {
    assert.equal((await AccessTokens.create(settings('HS256', { secret: SECRET }))).issuer, 'umbral');
  });

  it('refuses at boot a key that does not fit the algorithm, or a short secret', async () => {
    const boot = async (s: AccessTokenSettings, pattern: RegExp) => assert.rejects(AccessTokens.create(s), (error: unknown) => {
      assert.ok(isUmbralError(error));
      assert.equal(error.code, Errors.configInvalid.code);
      assert.match(error.message, pattern);
      return true;
    });
    await boot(settings('RS256', { privateKeyPem: EC.privateKey }), /auth.jwtPrivateKey .* for RS256/);
    await boot(settings('ES256', { privateKeyPem: 'not a pem' }), /auth.jwtPrivateKey .* for ES256/);
    await boot(settings('EdDSA', { privateKeyPem: RSA.publicKey }), /auth.jwtPrivateKey/);
    await boot(settings('HS256', { secret: 'too-short' }), /auth.jwtSecret .* at least 32 bytes/);
  });
});

describe('AccessTokens refuses attacks', () => {
  const hsKey = new TextEncoder().encode(SECRET);
  let hs: AccessTokens;
  let rs: AccessTokens;
  let rsKey: SigningKey;
  before(async () => {
    hs = await AccessTokens.create(settings('HS256', { secret: SECRET }));
    rs = await AccessTokens.create(settings('RS256', { privateKeyPem: RSA.privateKey }));
    rsKey = await importPKCS8(RSA.privateKey, 'RS256');
  });

  it('accepts what it forges with its own key, so every refusal below is for the one change', async () => {
    assert.equal((await hs.verify(await forge(hsKey, 'HS256', {}))).role, 'admin');
    assert.equal((await rs.verify(await forge(rsKey, 'RS256', {}))).role, 'admin');
  });

  it('refuses alg none', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(validClaims())}.`;
    await refused(hs, unsigned, 'algorithm not accepted');
    await refused(rs, unsigned, 'algorithm not accepted');
    await refused(hs, `${b64({ alg: 'NONE', typ: 'at+jwt' })}.${unsigned.split('.')[1]}.`, 'algorithm not accepted');
  });

  it('refuses HMAC/RSA confusion both ways', async () => {
    const jwkBytes = new TextEncoder().encode(JSON.stringify(rs.jwks()?.keys[0]));
    await refused(rs, await forge(new TextEncoder().encode(RSA.publicKey), 'HS256', {}), 'algorithm not accepted');
    await refused(rs, await forge(jwkBytes, 'HS256', {}), 'algorithm not accepted');
    await refused(hs, (await rs.sign(USER)).token, 'algorithm not accepted');
    await refused(hs, await forge(hsKey, 'HS384', {}), 'algorithm not accepted');
  });

  it('refuses expired tokens and tokens not yet valid, beyond a 5 s tolerance', async () => {
    await refused(hs, await forge(hsKey, 'HS256', { iat: now() - 1000, exp: now() - 10 }), 'expired');
    await refused(hs, await forge(hsKey, 'HS256', { iat: now() - 2000 }), 'expired');
    await refused(hs, await forge(hsKey, 'HS256', { nbf: now() + 60 }), 'not yet valid');
    await refused(hs, await forge(hsKey, 'HS256', { iat: now() + 60 }), 'not yet valid');
    assert.ok(await hs.verify(await forge(hsKey, 'HS256', { exp: now() - 2, nbf: now() + 2 })));
  });

  it('refuses a wrong issuer or audience', async () => {
    await refused(hs, await forge(hsKey, 'HS256', { iss: 'someone-else' }), 'wrong issuer');
    await refused(hs, await forge(hsKey, 'HS256', { aud: 'another-api' }), 'wrong audience');
    await refused(rs, await forge(rsKey, 'RS256', { aud: ['another-api'] }), 'wrong audience');
  });

  it('refuses a tampered payload or signature', async () => {
    for (const tokens of [hs, rs]) {
      const [header, payload, signature] = (await tokens.sign(USER)).token.split('.') as [string, string, string];
      const promoted = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' });
      await refused(tokens, `${header}.${promoted}.${signature}`, 'bad signature');
      const middle = Math.floor(signature.length / 2);
      const flipped = signature.slice(0, middle) + (signature[middle] === 'A' ? 'B' : 'A') + signature.slice(middle + 1);
      await refused(tokens, `${header}.${payload}.${flipped}`, 'bad signature');
      await refused(tokens, `${header}.${payload}.`, 'bad signature');
    }
  });

  it('refuses tokens that are not access tokens (no typ, typ JWT as an ID token has)', async () => {
    await refused(hs, await forge(hsKey, 'HS256', {}, {}), 'not an access token');
    await refused(hs, await forge(hsKey, 'HS256', {}, { typ: 'JWT' }), 'not an access token');
    assert.ok(await hs.verify(await forge(hsKey, 'HS256', {}, { typ: 'application/at+jwt' })));
  });

  it('refuses a token from another key', async () => {
    await refused(hs, await forge(new TextEncoder().encode('another-secret-that-is-long-enough-too'), 'HS256', {}), 'bad signature');
    const other = await AccessTokens.create(settings('RS256', { privateKeyPem: rsaPem().privateKey }));
    await refused(rs, (await other.sign(USER)).token, 'bad signature');
  });

  it('refuses signed tokens whose claims do not have our shapes', async () => {
    const bad: Array<Record<string, unknown>> = [
      { role: 'superuser' }, { gen: '1' }, { gen: 1.5 }, { gen: -1 }, { username: 7 }, { sub: '' }, { sub: undefined },
      { jti: undefined }, { exp: undefined }, { exp: 'tomorrow' }, { iss: undefined },
      { sid: undefined }, { sid: '' }, { sid: 7 },
    ];
    for (const claims of bad) await refused(hs, await forge(hsKey, 'HS256', claims), 'malformed');
    assert.ok(await hs.verify(handSigned({ alg: 'HS256', typ: 'at+jwt' }, validClaims(), SECRET)));
    await refused(hs, handSigned({ alg: 'HS256', typ: 'at+jwt', crit: ['x-unknown'], 'x-unknown': 1 }, validClaims(), SECRET), 'malformed');
  });

  it('refuses garbage and oversized strings quickly', async () => {
    const garbage = ['', 'abc', 'a.b.c', '..', 'eyJ.eyJ.', `${b64('not json')}.${b64('{}')}.`, `${b64([1])}.${b64({})}.sig`,
      `${b64({ alg: 'HS256' })}.${b64('[]')}.x`, 'Bearer x.y.z', '\u0000.\u0000.\u0000'];
    for (const text of garbage) await refused(hs, text, 'malformed');
    const huge = `${b64({ alg: 'HS256', typ: 'at+jwt' })}.${'A'.repeat(100_000)}.sig`;
    const start = Date.now();
    await refused(hs, huge, 'malformed');
    await refused(rs, 'x'.repeat(100_000), 'malformed');
    assert.ok(Date.now() - start < 50);
  });
});
