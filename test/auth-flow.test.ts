import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, GOOD_PASSWORD, SPAM_REQUEST, call, createKey, createUser, login, startSecuredServer } from './helpers/access-kit.js';
import type { TestServer } from './helpers/test-server.js';

describe('users, tokens and keys against the real server', () => {
  let server: TestServer;
  const secrets: string[] = [ADMIN_KEY, GOOD_PASSWORD];

  before(async () => {
    server = await startSecuredServer({ overrides: { 'auth.registration': 'open', 'auth.loginFailuresPerAccount': 3 } });
  });
  after(() => server?.shutdown('test done'));

  it('logs in, tells who is calling, refreshes with rotation and logs out', async () => {
    const tokens = await createUser(server, 'alice', 'operator');
    secrets.push(tokens.accessToken, tokens.refreshToken);
    const me = await call(server, 'GET', '/auth/me', { credential: tokens.accessToken });
    assert.equal(me.status, 200);
    assert.deepEqual({ kind: me.body.kind, name: me.body.name, role: me.body.role }, { kind: 'user', name: 'alice', role: 'operator' });
    assert.deepEqual(me.body.permissions, ['admin:read', 'admin:write', 'feedback', 'infer']);

    const refreshed = await call(server, 'POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.tokenType, 'Bearer');
    assert.equal(refreshed.body.expiresIn, 900);
    assert.notEqual(refreshed.body.refreshToken, tokens.refreshToken);
    const next = refreshed.body.refreshToken as string;
    secrets.push(next, refreshed.body.accessToken as string);

    assert.equal((await call(server, 'POST', '/auth/logout', { credential: tokens.accessToken, body: { refreshToken: next } })).status, 204);
    const afterLogout = await call(server, 'POST', '/auth/refresh', { body: { refreshToken: next } });
    assert.equal(afterLogout.status, 401);
    assert.equal(afterLogout.body.code, 'UMBRAL_ERR_REFRESH_TOKEN_INVALID');
  });

  it('ends every session when the password changes', async () => {
    const tokens = await createUser(server, 'bob', 'client');
    const changed = await call(server, 'POST', '/auth/password', {
      credential: tokens.accessToken, body: { currentPassword: GOOD_PASSWORD, newPassword: 'a brand new passphrase 99' },
    });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    assert.equal((await call(server, 'GET', '/auth/me', { credential: tokens.accessToken })).status, 401);
    assert.equal((await call(server, 'POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status, 401);
    await assert.rejects(login(server, 'bob'));
    await login(server, 'bob', 'a brand new passphrase 99');
  });

  it('refuses weak and common passwords with a message that says why', async () => {
    for (const password of ['short', 'password1234', 'carol-carol-carol', 'aaaaaaaaaaaaaaaa']) {
      const answer = await call(server, 'POST', '/admin/users', { credential: ADMIN_KEY, body: { username: 'carol', password, role: 'client' } });
      assert.equal(answer.status, 400, password);
      assert.equal(answer.body.code, 'UMBRAL_ERR_WEAK_PASSWORD');
    }
  });

  it('applies a role change and a disable at once, on tokens already issued', async () => {
    const tokens = await createUser(server, 'dave', 'viewer');
    assert.equal((await call(server, 'GET', '/admin/models', { credential: tokens.accessToken })).status, 200);
    const demoted = await call(server, 'PUT', '/admin/users/dave/role', { credential: ADMIN_KEY, body: { role: 'client' } });
    assert.equal(demoted.status, 200);
    assert.equal((await call(server, 'GET', '/admin/models', { credential: tokens.accessToken })).status, 401);
    const relogged = await login(server, 'dave');
    assert.equal((await call(server, 'GET', '/admin/models', { credential: relogged.accessToken })).status, 403);
    assert.equal((await call(server, 'POST', '/admin/users/dave/disable', { credential: ADMIN_KEY })).status, 200);
    assert.equal((await call(server, 'GET', '/auth/me', { credential: relogged.accessToken })).status, 401);
    const disabledLogin = await call(server, 'POST', '/auth/login', { body: { username: 'dave', password: GOOD_PASSWORD } });
    const unknownLogin = await call(server, 'POST', '/auth/login', { body: { username: 'nobody-here', password: GOOD_PASSWORD } });
    const wrongPassword = await call(server, 'POST', '/auth/login', { body: { username: 'alice', password: 'not the password at all' } });
    // No user enumeration: a disabled user, an unknown user and a wrong password read the same.
    for (const answer of [disabledLogin, unknownLogin, wrongPassword]) {
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, disabledLogin.body);
    }
  });

  it('registers openly with the same answer whether or not the name is taken', async () => {
    const fresh = await call(server, 'POST', '/auth/register', { body: { username: 'erin', password: GOOD_PASSWORD } });
    const taken = await call(server, 'POST', '/auth/register', { body: { username: 'alice', password: 'some other passphrase 7' } });
    assert.equal(fresh.status, 202);
    assert.deepEqual({ status: taken.status, body: taken.body }, { status: fresh.status, body: fresh.body });
    const erin = await login(server, 'erin');
    const me = await call(server, 'GET', '/auth/me', { credential: erin.accessToken });
    assert.equal(me.body.role, 'client');
    await login(server, 'alice');
  });

  it('throttles failed logins per account with 429 and Retry-After', async () => {
    await createUser(server, 'frank', 'client');
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await call(server, 'POST', '/auth/login', { body: { username: 'frank', password: `wrong guess ${i} xx` } })).status, 401);
    }
    const throttled = await call(server, 'POST', '/auth/login', { body: { username: 'frank', password: GOOD_PASSWORD } });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.code, 'UMBRAL_ERR_LOGIN_THROTTLED');
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
  });

  it('manages API keys: shown once, hashed, scoped, listed with last use, revoked', async () => {
    const { key, id } = await createKey(server, { name: 'ci', scopes: ['infer'], limits: { requestsPerMinute: 100 } });
    secrets.push(key);
    assert.match(key, /^umb_/);
    assert.equal((await call(server, 'POST', '/v2/models/spam-classifier/infer', { credential: key, body: SPAM_REQUEST })).status, 200);
    assert.equal((await call(server, 'POST', '/v2/models/spam-classifier/infer', { headers: { 'x-api-key': key }, body: SPAM_REQUEST })).status, 200);
    assert.equal((await call(server, 'GET', '/admin/models', { credential: key })).status, 403);
    const listed = await call(server, 'GET', '/admin/keys', { credential: ADMIN_KEY });
    const record = (listed.body.keys as Array<Record<string, unknown>>).find((k) => k.id === id);
    assert.deepEqual({ name: record?.name, scopes: record?.scopes, revokedAt: record?.revokedAt }, { name: 'ci', scopes: ['infer'], revokedAt: null });
    assert.ok(Date.now() - Date.parse(String(record?.lastUsedAt)) < 60_000, `last used: ${String(record?.lastUsedAt)}`);
    assert.ok(!JSON.stringify(listed.body).includes(key.split('_')[2] as string), 'the secret is never listed');
    assert.equal((await call(server, 'DELETE', `/admin/keys/${id}`, { credential: ADMIN_KEY })).status, 204);
    assert.equal((await call(server, 'POST', '/v2/models/spam-classifier/infer', { credential: key, body: SPAM_REQUEST })).status, 401);
  });

  it('lets no credential grant more than it holds', async () => {
    const { key } = await createKey(server, { scopes: ['access:admin'] });
    const escalate = await call(server, 'POST', '/admin/keys', { credential: key, body: { name: 'x', scopes: ['admin:write'] } });
    assert.equal(escalate.status, 403);
    assert.equal(escalate.body.code, 'UMBRAL_ERR_SCOPE_NOT_HELD');
  });

  it('records every auth event in the audit trail', async () => {
    const events = await call(server, 'GET', '/admin/auth/events?limit=1000', { credential: ADMIN_KEY });
    const actions = new Set((events.body.events as Array<{ action: string }>).map((e) => e.action));
    for (const action of ['bootstrap', 'login', 'login.failed', 'login.throttled', 'logout', 'register', 'token.refresh',
      'password.change', 'key.create', 'key.revoke', 'user.create', 'user.role', 'user.disable']) {
      assert.ok(actions.has(action), `no '${action}' event`);
    }
  });

  it('never writes a key, token or password to the log', () => {
    const log = JSON.stringify(server.logLines());
    for (const secret of secrets) assert.ok(!log.includes(secret), 'a secret reached the log');
    assert.ok(!log.includes('a brand new passphrase'), 'a password reached the log');
    const requests = server.logLines().filter((line) => line.msg === 'request');
    assert.ok(requests.some((line) => line.principal === 'user:alice'), 'the access log names who called');
  });
});
