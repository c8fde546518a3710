import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../errors/catalogue.js';
import { boundNewKey, checkMayManageUsers, checkPermissionsHeld, checkRoleHeld } from './grant-rules.js';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission } from './permissions.js';
import type { Principal } from './principal.js';

const DAY = 86_400_000;
const caller = (permissions: readonly Permission[], extra: Partial<Principal> = {}): Principal =>
  ({ kind: 'key', id: 'key:k', actor: 'key:k', name: 'k', permissions: new Set(permissions), ...extra });
const admin = caller(PERMISSIONS);
const code = (factory: { code: string }) => ({ code: factory.code, status: 403 });

describe('grant rules', () => {
  it('lets a caller give a role only when it holds every permission of it', () => {
    for (const role of ROLES) {
      checkRoleHeld(admin, role);
      checkRoleHeld(caller(ROLE_PERMISSIONS[role]), role);
    }
    assert.throws(() => checkRoleHeld(caller(['access:admin']), 'admin'), code(Errors.roleNotHeld));
    assert.throws(() => checkRoleHeld(caller(['access:admin', 'admin:read']), 'operator'), /role 'operator' includes 'infer'/);
    assert.throws(() => checkRoleHeld(caller(ROLE_PERMISSIONS.operator), 'admin', "the current role 'admin' of user 'bob'"),
      /the current role 'admin' of user 'bob' includes 'access:admin'/);
  });

  it('refuses a scope the caller lacks, naming it', () => {
    checkPermissionsHeld(caller(['infer', 'admin:read']), ['infer']);
    checkPermissionsHeld(caller([]), []);
    assert.throws(() => checkPermissionsHeld(caller(['access:admin']), ['access:admin', 'admin:write']), /lacks 'admin:write'/);
  });

  it('lets only a caller bound by nothing a user is free of manage users', () => {
    checkMayManageUsers(admin, {});
    checkMayManageUsers(caller(PERMISSIONS, { limits: { requestsPerMinute: 100 } }), { requestsPerMinute: 60, concurrent: 2 });
    assert.throws(() => checkMayManageUsers(caller(PERMISSIONS, { models: ['iris'] }), {}), code(Errors.modelsNotHeld));
    assert.throws(() => checkMayManageUsers(caller(PERMISSIONS, { limits: { requestsPerMinute: 100 } }), {}), code(Errors.limitsNotHeld));
    assert.throws(() => checkMayManageUsers(caller(PERMISSIONS, { limits: { concurrent: 2 } }), { concurrent: 3 }), /concurrent is 3/);
    assert.throws(() => checkMayManageUsers(caller(PERMISSIONS, { expiresAt: new Date(Date.now() + DAY) }), {}), code(Errors.expiryNotHeld));
  });

  it('leaves a key request of an unbounded caller as it is', () => {
    const request = { name: 'k', scopes: ['infer' as const], models: ['a'], limits: { concurrent: 900 }, expiresAt: new Date(Date.now() + 9 * DAY) };
    assert.deepEqual(boundNewKey(admin, request), request);
    assert.deepEqual(boundNewKey(admin, { name: 'k', scopes: ['infer'] }), { name: 'k', scopes: ['infer'], models: undefined, limits: undefined, expiresAt: undefined });
  });

  it("fills a key's left-out models, limits and expiry with the caller's", () => {
    const expiresAt = new Date(Date.now() + DAY);
    const bounded = caller(['infer', 'access:admin'], { models: ['a', 'b'], limits: { requestsPerMinute: 60, concurrent: 2 }, expiresAt });
    assert.deepEqual(boundNewKey(bounded, { name: 'k', scopes: ['infer'] }),
      { name: 'k', scopes: ['infer'], models: ['a', 'b'], limits: { requestsPerMinute: 60, concurrent: 2 }, expiresAt });
    const narrower = { name: 'k', scopes: ['infer' as const], models: ['b'], limits: { concurrent: 1, requestsPerSecond: 5 }, expiresAt: new Date(Date.now() + 1000) };
    assert.deepEqual(boundNewKey(bounded, narrower), { ...narrower, limits: { requestsPerMinute: 60, concurrent: 1, requestsPerSecond: 5 } });
  });

  it('refuses wider scopes, models, looser limits and a later expiry than the caller holds', () => {
    const expiresAt = new Date(Date.now() + DAY);
    const bounded = caller(['infer', 'access:admin'], { models: ['a'], limits: { requestsPerMinute: 60 }, expiresAt });
    const key = { name: 'k', scopes: ['infer' as const] };
    assert.throws(() => boundNewKey(bounded, { ...key, scopes: ['admin:read'] }), code(Errors.scopeNotHeld));
    assert.throws(() => boundNewKey(bounded, { ...key, models: ['a', 'b'] }), /model 'b' is outside/);
    assert.throws(() => boundNewKey(bounded, { ...key, limits: { requestsPerMinute: 61 } }), code(Errors.limitsNotHeld));
    assert.throws(() => boundNewKey(bounded, { ...key, expiresAt: new Date(expiresAt.getTime() + 1) }), code(Errors.expiryNotHeld));
  });

  it('passes malformed values through for the input check to refuse', () => {
    const bounded = caller(['infer'], { models: ['a'], limits: { concurrent: 2 }, expiresAt: new Date(Date.now() + DAY) });
    const garbage = { name: 'k', scopes: ['infer' as const], limits: 'x' as never, expiresAt: new Date(Number.NaN) };
    const result = boundNewKey(bounded, garbage);
    assert.equal(result.limits, 'x');
    assert.ok(Number.isNaN(result.expiresAt?.getTime()));
  });
});
