import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT, type JWTPayload } from 'jose';
import { ADMIN_KEY, GOOD_PASSWORD, JWT_SECRET, SPAM_REQUEST, call, createKey, createUser, startSecuredServer, type Answer } from './helpers/access-kit.js';
import type { TestServer } from './helpers/test-server.js';

const secret = new TextEncoder().encode(JWT_SECRET);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Signs a token as our server would, with `changes` applied to the claims and header. */
function forge(claims: JWTPayload, options: { header?: Record<string, unknown>; key?: Uint8Array } = {}): Promise<string> {
  return new SignJWT({
    username: 'victim', role: 'admin', gen: 0, sid: 'a-session', iss: 'umbral', aud: 'umbral', iat: now(), exp: now() + 600, jti: randomUUID(), ...claims,
  }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...options.header } as { alg: string }).sign(options.key ?? secret);
}

function refused(answer: Answer, status: number, code?: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  if (code) assert.equal(answer.body.code, code);
}

describe('attacks on access control: each is refused, none gets a 5xx', () => {
  let server: TestServer;
  let userId: string;
  let sub: string;
  const answers: Answer[] = [];
  const attempt = async (...args: Parameters<typeof call>) => {
    const answer = await call(...args);
    answers.push(answer);
    return answer;
  };
  const asUser = (token: string) => attempt(server, 'GET', '/admin/models', { credential: token });

  before(async () => {
    server = await startSecuredServer({ overrides: { 'auth.registration': 'open' } });
    const { accessToken } = await createUser(server, 'victim', 'admin');
    userId = (await call(server, 'GET', '/auth/me', { credential: accessToken })).body.id as string;
    sub = userId.replace('user:', '');
    // The forged claims are right in every way but the one each test breaks.
    assert.equal((await asUser(await forge({ sub }))).status, 200, 'a correctly signed token must pass, else the tests below prove nothing');
  });
  after(async () => {
    assert.ok(answers.every((a) => a.status < 500), 'no attack may cause a 5xx');
    await server?.shutdown('test done');
  });

  it('refuses alg none', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ sub, username: 'victim', role: 'admin', gen: 0, iss: 'umbral', aud: 'umbral', iat: now(), exp: now() + 600 })}.`;
    refused(await asUser(unsigned), 401, 'UMBRAL_ERR_TOKEN_INVALID');
  });

  it('refuses expired and not-yet-valid tokens', async () => {
    refused(await asUser(await forge({ sub, exp: now() - 60, iat: now() - 1000 })), 401, 'UMBRAL_ERR_TOKEN_INVALID');
    refused(await asUser(await forge({ sub, nbf: now() + 600 })), 401, 'UMBRAL_ERR_TOKEN_INVALID');
  });

  it('refuses a wrong issuer or audience', async () => {
    refused(await asUser(await forge({ sub, iss: 'evil' })), 401, 'UMBRAL_ERR_TOKEN_INVALID');
    refused(await asUser(await forge({ sub, aud: 'another-service' })), 401, 'UMBRAL_ERR_TOKEN_INVALID');
  });

  it('refuses a tampered payload and a tampered signature', async () => {
    const { accessToken } = await createUser(server, 'tamper-client', 'client');
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    refused(await asUser(`${header}.${b64({ ...claims, role: 'admin' })}.${signature}`), 401, 'UMBRAL_ERR_TOKEN_INVALID');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    refused(await asUser(`${header}.${payload}.${flipped}`), 401, 'UMBRAL_ERR_TOKEN_INVALID');
    refused(await asUser(accessToken), 403, 'UMBRAL_ERR_FORBIDDEN');
  });

  it('refuses a token signed with another key, and one that is not an access token', async () => {
    refused(await asUser(await forge({ sub }, { key: new TextEncoder().encode('x'.repeat(48)) })), 401, 'UMBRAL_ERR_TOKEN_INVALID');
    refused(await asUser(await forge({ sub }, { header: { typ: 'JWT' } })), 401, 'UMBRAL_ERR_TOKEN_INVALID');
    refused(await asUser(await forge({ sub: '999999' })), 401, 'UMBRAL_ERR_TOKEN_INVALID');
  });

  it('refuses HMAC/RSA algorithm confusion on an RS256 server', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = await startSecuredServer({
      models: {}, overrides: { 'auth.jwtAlgorithm': 'RS256', 'auth.jwtSecret': '', 'auth.jwtPrivateKey': privateKey.export({ type: 'pkcs8', format: 'pem' }) },
    });
    try {
      const jwks = await call(rsa, 'GET', '/.well-known/jwks.json');
      assert.equal(jwks.status, 200);
      const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
      const { accessToken } = await createUser(rsa, 'rsa-admin', 'admin');
      const id = ((await call(rsa, 'GET', '/auth/me', { credential: accessToken })).body.id as string).replace('user:', '');
      for (const key of [publicPem, JSON.stringify((jwks.body.keys as unknown[])[0])]) {
        const confused = await forge({ sub: id, username: 'rsa-admin' }, { key: new TextEncoder().encode(key) });
        const answer = await attempt(rsa, 'GET', '/admin/models', { credential: confused });
        refused(answer, 401, 'UMBRAL_ERR_TOKEN_INVALID');
      }
    } finally {
      await rsa.shutdown('test done');
    }
  });

  it('refuses a revoked key at once', async () => {
    const { key, id } = await createKey(server, { scopes: ['admin:read'] });
    assert.equal((await asUser(key)).status, 200);
    assert.equal((await call(server, 'DELETE', `/admin/keys/${id}`, { credential: ADMIN_KEY })).status, 204);
    refused(await asUser(key), 401, 'UMBRAL_ERR_UNAUTHENTICATED');
    refused(await attempt(server, 'GET', '/admin/models', { headers: { 'x-api-key': key } }), 401, 'UMBRAL_ERR_UNAUTHENTICATED');
  });

  it('revokes the whole family when a refresh token is reused', async () => {
    const first = await createUser(server, 'reuser', 'client');
    const second = await attempt(server, 'POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(second.status, 200);
    refused(await attempt(server, 'POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } }), 401, 'UMBRAL_ERR_REFRESH_TOKEN_INVALID');
    refused(await attempt(server, 'POST', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } }), 401, 'UMBRAL_ERR_REFRESH_TOKEN_INVALID');
  });

  it('refuses an access token used as a refresh token, and a refresh token used as an access token', async () => {
    const tokens = await createUser(server, 'swapper', 'client');
    refused(await attempt(server, 'POST', '/auth/refresh', { body: { refreshToken: tokens.accessToken } }), 401, 'UMBRAL_ERR_REFRESH_TOKEN_INVALID');
    refused(await attempt(server, 'GET', '/auth/me', { credential: tokens.refreshToken }), 401, 'UMBRAL_ERR_UNAUTHENTICATED');
  });

  it('treats injection-looking usernames as data', async () => {
    const names = ["admin' OR '1'='1", "admin'--", '<script>alert(1)</script>', '../../etc/passwd', 'admin\u0000', '${jndi:ldap://x}', 'a'.repeat(256), '%00', 'ａｄｍｉｎ'];
    for (const username of names) {
      const loginAnswer = await attempt(server, 'POST', '/auth/login', { body: { username, password: GOOD_PASSWORD } });
      assert.ok([400, 401, 429].includes(loginAnswer.status), `login ${JSON.stringify(username)}: ${loginAnswer.status}`);
      const registerAnswer = await attempt(server, 'POST', '/auth/register', { body: { username, password: GOOD_PASSWORD } });
      assert.ok([202, 400].includes(registerAnswer.status), `register ${JSON.stringify(username)}: ${registerAnswer.status}`);
    }
    const users = await call(server, 'GET', '/admin/users', { credential: ADMIN_KEY });
    const stored = (users.body.users as Array<{ username: string }>).map((u) => u.username);
    for (const name of stored) assert.match(name, /^[a-z0-9][a-z0-9._@-]*$/);
  });

  it('refuses oversized credentials and bodies with a 4xx', async () => {
    refused(await attempt(server, 'GET', '/admin/models', { credential: 'k'.repeat(9000) }), 401, 'UMBRAL_ERR_UNAUTHENTICATED');
    const huge = await attempt(server, 'GET', '/admin/models', { credential: 'k'.repeat(40_000) });
    assert.equal(huge.status, 431);
    const bigBody = await attempt(server, 'POST', '/auth/login', { body: { username: 'victim', password: 'p'.repeat(9 * 1024 * 1024) } });
    assert.equal(bigBody.status, 413);
    refused(await attempt(server, 'POST', '/auth/login', { body: { username: 'victim', password: 'p'.repeat(100_000) } }), 400);
  });

  it('refuses a key scoped to one model on another', async () => {
    const { key } = await createKey(server, { scopes: ['infer'], models: ['spam-classifier'] });
    assert.equal((await attempt(server, 'POST', '/v2/models/spam-classifier/infer', { credential: key, body: SPAM_REQUEST })).status, 200);
    refused(await attempt(server, 'POST', '/v2/models/echo/infer', { credential: key, body: {} }), 403, 'UMBRAL_ERR_MODEL_NOT_ALLOWED');
    refused(await attempt(server, 'GET', '/v2/models/echo', { credential: key }), 403, 'UMBRAL_ERR_MODEL_NOT_ALLOWED');
  });

  it('refuses two credentials at once', async () => {
    const answer = await attempt(server, 'GET', '/admin/models', { credential: ADMIN_KEY, headers: { 'x-api-key': ADMIN_KEY } });
    refused(answer, 401, 'UMBRAL_ERR_UNAUTHENTICATED');
  });
});
