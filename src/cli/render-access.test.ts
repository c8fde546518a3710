import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderKeyDetails, renderKeyList, renderKeyRevoked, renderUser, renderUserList, type KeyJson } from './render-access.js';

const KEY: KeyJson = {
  id: 'k1', name: 'ci', scopes: ['infer', 'admin:read'], models: ['spam', 'echo'],
  limits: { requestsPerSecond: 5, concurrent: 2 }, expiresAt: '2027-01-31T00:00:00.000Z',
  createdBy: 'user:root', createdAt: '2026-03-01T12:00:00.123Z', revokedAt: null, revokedBy: null, lastUsedAt: '2026-03-02T08:30:05.000Z',
};
const OPEN_KEY: KeyJson = {
  id: 'k2', name: 'everything', scopes: ['infer'], models: null, limits: null, expiresAt: null,
  createdBy: 'key:k1', createdAt: '2026-03-01T12:00:00Z', revokedAt: '2026-03-03T00:00:00Z', revokedBy: 'user:root', lastUsedAt: null,
};

describe('render-access', () => {
  it('lists keys: all models, never expiring, never used, revoked', () => {
    assert.equal(renderKeyList([KEY, OPEN_KEY]), [
      'ID  NAME        SCOPES            MODELS     EXPIRES               LAST USED             REVOKED',
      'k1  ci          infer,admin:read  spam,echo  2027-01-31 00:00:00Z  2026-03-02 08:30:05Z  -',
      'k2  everything  infer             all        never                 never                 2026-03-03 00:00:00Z',
    ].join('\n'));
    assert.equal(renderKeyList([]), 'no keys');
  });

  it('details a new key, limits included', () => {
    assert.equal(renderKeyDetails(KEY), [
      'id       k1',
      'name     ci',
      'scopes   infer,admin:read',
      'models   spam,echo',
      'limits   rps=5, concurrent=2',
      'expires  2027-01-31 00:00:00Z',
      'created  2026-03-01 12:00:00Z by user:root',
    ].join('\n'));
    assert.match(renderKeyDetails(OPEN_KEY), /^models {3}all\nlimits {3}server defaults\nexpires {2}never$/m);
  });

  it('shows a dash for what the server left out, rather than failing', () => {
    assert.equal(renderKeyList([{ id: 'k3' }]).split('\n')[1], 'k3  -     -       -       -        -          -');
    assert.match(renderKeyDetails({}), /^limits {3}-$/m);
  });

  it('confirms a revocation', () => {
    assert.equal(renderKeyRevoked('k1'), 'revoked key k1');
  });

  it('lists users and shows one', () => {
    const alice = { id: 2, username: 'alice', role: 'viewer', disabled: false, createdBy: 'user:root', createdAt: '2026-03-01T12:00:00Z' };
    const bob = { id: 3, username: 'bob', role: 'operator', disabled: true, createdBy: 'anonymous', createdAt: '2026-03-02T12:00:00Z' };
    assert.equal(renderUserList([alice, bob]), [
      'USERNAME  ROLE      STATUS    CREATED               BY',
      'alice     viewer    active    2026-03-01 12:00:00Z  user:root',
      'bob       operator  disabled  2026-03-02 12:00:00Z  anonymous',
    ].join('\n'));
    assert.equal(renderUserList([]), 'no users');
    assert.equal(renderUser(bob), [
      'user     bob',
      'role     operator',
      'status   disabled',
      'created  2026-03-02 12:00:00Z by anonymous',
    ].join('\n'));
  });

  it('keeps a username with a line break on one line', () => {
    assert.equal(renderUserList([{ username: 'eve\nroot  admin', role: 'client' }]).split('\n').length, 2);
  });
});
