import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { GOOD_PASSWORD, call, createKey, createUser, login, startSecuredServer, type Answer } from './helpers/access-kit.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const REVOKED = /the session was logged out or revoked/;

function refusedAsRevoked(answer: Answer, what: string): void {
  assert.deepEqual([answer.status, answer.body.code], [401, 'UMBRAL_ERR_TOKEN_INVALID'], what);
  assert.match(String(answer.body.error), REVOKED, what);
}

/** Logout and refresh-token reuse end the session's access tokens at once, not when they expire. */
describe('sessions: logout and reuse revoke access tokens too', () => {
  let server: TestServer;
  const me = (credential: string) => call(server, 'GET', '/auth/me', { credential });
  const refresh = (refreshToken: string) => call(server, 'POST', '/auth/refresh', { body: { refreshToken } });

  before(async () => {
    server = await startSecuredServer({ models: {} });
    await createUser(server, 'ann', 'client');
    await createUser(server, 'ben', 'client');
  });
  after(() => server?.shutdown('test done'));

  it('carries the session (the refresh-token family) in the access token, the same across refreshes', async () => {
    const tokens = await login(server, 'ann');
    const next = await refresh(tokens.refreshToken);
    const sid = decodeJwt(tokens.accessToken).sid;
    assert.equal(typeof sid, 'string');
    assert.equal(decodeJwt(next.body.accessToken as string).sid, sid);
    assert.notEqual(decodeJwt((await login(server, 'ann')).accessToken).sid, sid, 'a new login is a new session');
  });

  it('refuses the access token at once after a logout without a body, and only that session\'s', async () => {
    const ending = await login(server, 'ann');
    const staying = await login(server, 'ann');
    assert.equal((await me(ending.accessToken)).status, 200);
    assert.equal((await call(server, 'POST', '/auth/logout', { credential: ending.accessToken })).status, 204);
    refusedAsRevoked(await me(ending.accessToken), 'the logged-out access token');
    assert.equal((await refresh(ending.refreshToken)).status, 401, 'and its refresh token');
    assert.equal((await me(staying.accessToken)).status, 200, 'the other session goes on');
    assert.equal((await refresh(staying.refreshToken)).status, 200);
  });

  it('ends the session a refresh token belongs to, with every access token issued in it', async () => {
    const first = await login(server, 'ann');
    const rotated = await refresh(first.refreshToken);
    const other = await login(server, 'ann');
    const logout = await call(server, 'POST', '/auth/logout', { credential: other.accessToken, body: { refreshToken: rotated.body.refreshToken } });
    assert.equal(logout.status, 204);
    refusedAsRevoked(await me(first.accessToken), 'the session\'s first access token');
    refusedAsRevoked(await me(rotated.body.accessToken as string), 'the session\'s rotated access token');
    assert.equal((await me(other.accessToken)).status, 200, 'the caller\'s own session goes on');
  });

  it('kills the access tokens of a family revoked for refresh-token reuse', async () => {
    const stolen = await login(server, 'ann');
    const legit = await refresh(stolen.refreshToken);
    assert.equal((await me(legit.body.accessToken as string)).status, 200);
    const replay = await refresh(stolen.refreshToken);
    assert.deepEqual([replay.status, replay.body.code], [401, 'UMBRAL_ERR_REFRESH_TOKEN_INVALID']);
    refusedAsRevoked(await me(legit.body.accessToken as string), 'the newest access token of the family');
    refusedAsRevoked(await me(stolen.accessToken), 'the first access token of the family');
  });

  it("refuses user B's logout of user A's session, and ends nothing", async () => {
    const ann = await login(server, 'ann');
    const ben = await login(server, 'ben');
    const answer = await call(server, 'POST', '/auth/logout', { credential: ben.accessToken, body: { refreshToken: ann.refreshToken } });
    assert.deepEqual([answer.status, answer.body.code], [403, 'UMBRAL_ERR_SESSION_NOT_OWNED']);
    assert.match(String(answer.body.error), /another user's session/);
    assert.equal((await me(ann.accessToken)).status, 200, "A's access token still works");
    assert.equal((await me(ben.accessToken)).status, 200, "and B's");
    assert.equal((await refresh(ann.refreshToken)).status, 200, "A's refresh token still works");
  });

  it('refuses a logout by an API key, even with a refresh token, and ends nothing', async () => {
    const ann = await login(server, 'ann');
    const { key } = await createKey(server, { scopes: ['access:admin'] });
    for (const body of [undefined, { refreshToken: ann.refreshToken }]) {
      const answer = await call(server, 'POST', '/auth/logout', { credential: key, body });
      assert.deepEqual([answer.status, answer.body.code], [403, 'UMBRAL_ERR_SESSION_NOT_OWNED'], JSON.stringify(body));
    }
    assert.equal((await me(ann.accessToken)).status, 200);
    assert.equal((await refresh(ann.refreshToken)).status, 200);
  });

  it('answers a malformed logout with a 4xx, and an unknown refresh token with a 204 that ends nothing', async () => {
    const ann = await login(server, 'ann');
    for (const body of ['{"refreshToken": {"a": 1}}', '{"refresh_token": "urt_x_y"}', '[]', '"text"', 'not json']) {
      const answer = await call(server, 'POST', '/auth/logout', { credential: ann.accessToken, body });
      assert.equal(answer.status, 400, body);
      assert.match(String(answer.body.code), /^UMBRAL_ERR_/);
    }
    assert.equal((await me(ann.accessToken)).status, 200, 'a refused logout ends nothing, a misspelt field included');
    assert.equal((await call(server, 'POST', '/auth/logout', { credential: ann.accessToken, body: { refreshToken: 'urt_x_y' } })).status, 204);
    assert.equal((await call(server, 'POST', '/auth/logout', { credential: ann.accessToken, body: {} })).status, 204, '{} ends the current session');
    refusedAsRevoked(await me(ann.accessToken), 'after {}');
  });
});

describe('sessions with access control off (development)', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ models: {} }); });
  after(() => server?.shutdown('test done'));

  it('ends a session by its refresh token, every caller being anonymous, and says what to send without one', async () => {
    assert.equal((await call(server, 'POST', '/admin/users', { body: { username: 'dev', password: GOOD_PASSWORD, role: 'client' } })).status, 201);
    const tokens = await login(server, 'dev');
    const bodyless = await call(server, 'POST', '/auth/logout', { credential: tokens.accessToken });
    assert.deepEqual([bodyless.status, bodyless.body.code], [403, 'UMBRAL_ERR_SESSION_NOT_OWNED']);
    assert.match(String(bodyless.body.error), /send \{"refreshToken"/);
    assert.equal((await call(server, 'POST', '/auth/logout', { body: { refreshToken: tokens.refreshToken } })).status, 204);
    assert.equal((await call(server, 'POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status, 401);
  });
});
