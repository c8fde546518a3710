import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../errors/catalogue.js';
import type { ActiveKey } from './access-directory.js';
import { Authenticator, type AuthenticatorDeps } from './authenticator.js';

const KEY = 'umb_AAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const deps: AuthenticatorDeps = {
  findKey: (text) => (text === KEY ? { id: 'AAAAAAAAAAAAAAAA', name: 'ci', scopes: ['infer'], models: ['iris'], limits: { concurrent: 2 }, expiresAt: null, secretSha256: '' } : undefined),
  user: (id) => (id === '7' ? { id: '7', username: 'ann', role: 'viewer', disabled: false, tokenGeneration: 3 } : undefined),
  verifyAccessToken: async (token) => {
    if (token !== 'a.b.c') throw Errors.tokenInvalid('bad signature');
    return { sub: '7', username: 'ann', role: 'admin', gen: 3, sid: 'session-1', jti: 'j', exp: 0 };
  },
  sessionRevoked: (sid) => sid === 'session-logged-out',
  tokenIssuer: () => 'umbral',
};
const auth = new Authenticator(deps);
const unauthenticated = { code: 'UMBRAL_ERR_UNAUTHENTICATED', status: 401 };

describe('Authenticator', () => {
  it('resolves no credential to undefined', async () => {
    assert.equal(await auth.authenticate({}), undefined);
    assert.equal(await auth.authenticate({ authorization: '' }), undefined);
  });

  it('reads an API key from either header, with its scopes, models and limits', async () => {
    for (const headers of [{ authorization: `Bearer ${KEY}` }, { 'x-api-key': KEY }, { authorization: `bearer   ${KEY}` }]) {
      const principal = await auth.authenticate(headers);
      assert.equal(principal?.id, 'key:AAAAAAAAAAAAAAAA');
      assert.deepEqual([...principal?.permissions ?? []], ['infer']);
      assert.deepEqual(principal?.models, ['iris']);
      assert.deepEqual(principal?.limits, { concurrent: 2 });
    }
  });

  it('takes the role from the directory, not from the token, and the session from the token', async () => {
    const principal = await auth.authenticate({ authorization: 'Bearer a.b.c' });
    assert.deepEqual({ actor: principal?.actor, role: principal?.role, sessionId: principal?.sessionId },
      { actor: 'user:ann', role: 'viewer', sessionId: 'session-1' });
  });

  it('refuses a token of a session on the denylist, and only that session', async () => {
    const sessions = new Set(['session-1']);
    const denying = new Authenticator({ ...deps, sessionRevoked: (sid) => sessions.has(sid) });
    await assert.rejects(denying.authenticate({ authorization: 'Bearer a.b.c' }),
      { code: 'UMBRAL_ERR_TOKEN_INVALID', message: /the session was logged out or revoked/ });
    sessions.clear();
    assert.equal((await denying.authenticate({ authorization: 'Bearer a.b.c' }))?.sessionId, 'session-1');
  });

  it('gives a key its expiry', async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const expiring = new Authenticator({ ...deps, findKey: (text) => ({ ...deps.findKey(text) as ActiveKey, expiresAt }) });
    assert.deepEqual((await expiring.authenticate({ 'x-api-key': KEY }))?.expiresAt, expiresAt);
    assert.equal((await auth.authenticate({ 'x-api-key': KEY }))?.expiresAt, undefined);
  });

  it('refuses a token of an older generation, of a disabled or unknown user', async () => {
    const stale = new Authenticator({ ...deps, user: () => ({ id: '7', username: 'ann', role: 'viewer', disabled: false, tokenGeneration: 4 }) });
    await assert.rejects(stale.authenticate({ authorization: 'Bearer a.b.c' }), { code: 'UMBRAL_ERR_TOKEN_INVALID' });
    const disabled = new Authenticator({ ...deps, user: () => ({ id: '7', username: 'ann', role: 'viewer', disabled: true, tokenGeneration: 3 }) });
    await assert.rejects(disabled.authenticate({ authorization: 'Bearer a.b.c' }), { code: 'UMBRAL_ERR_TOKEN_INVALID' });
    await assert.rejects(new Authenticator({ ...deps, user: () => undefined }).authenticate({ authorization: 'Bearer a.b.c' }), { code: 'UMBRAL_ERR_TOKEN_INVALID' });
  });

  it('refuses malformed, duplicated, doubled and oversized credentials with 401', async () => {
    for (const headers of [
      { authorization: `Basic ${KEY}` }, { authorization: 'Bearer' }, { authorization: [`Bearer ${KEY}`, `Bearer ${KEY}`] },
      { authorization: `Bearer ${KEY}`, 'x-api-key': KEY }, { authorization: `Bearer ${'k'.repeat(9000)}` }, { 'x-api-key': 'umb_unknown' },
    ]) {
      await assert.rejects(auth.authenticate(headers), unauthenticated, JSON.stringify(headers).slice(0, 80));
    }
  });
});
