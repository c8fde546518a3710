import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '../src/access/permissions.js';
import { ADMIN_KEY, GOOD_PASSWORD, call, createKey, createUser, login, startSecuredServer, type Answer } from './helpers/access-kit.js';
import type { TestServer } from './helpers/test-server.js';

const ISSUER = 'https://idp.example.com/realms/ml';
const HOUR = 3_600_000;

/** One caller of the matrix, with what it holds, as the test set it up (the oracle reads this, not the server). */
interface Caller {
  readonly name: string;
  readonly credential: string;
  readonly permissions: readonly Permission[];
  readonly models?: readonly string[];
  readonly limits?: { readonly requestsPerMinute: number };
  readonly expiresAt?: Date;
}

interface KeyRequest {
  readonly scopes: readonly Permission[];
  readonly models?: readonly string[];
  readonly limits?: { readonly requestsPerMinute: number };
  readonly expiresAt?: Date;
}

const holds = (caller: Caller, permissions: readonly Permission[]) => permissions.every((p) => caller.permissions.includes(p));

/** The code a user change must be refused with, or undefined when it must be allowed (docs/guides/access-control.md). */
function userRefusal(caller: Caller, roles: readonly Role[]): string | undefined {
  if (!holds(caller, ['access:admin'])) return 'UMBRAL_ERR_FORBIDDEN';
  if (caller.models) return 'UMBRAL_ERR_MODELS_NOT_HELD';
  if (caller.limits) return 'UMBRAL_ERR_LIMITS_NOT_HELD';
  if (caller.expiresAt) return 'UMBRAL_ERR_EXPIRY_NOT_HELD';
  if (!roles.every((role) => holds(caller, ROLE_PERMISSIONS[role]))) return 'UMBRAL_ERR_ROLE_NOT_HELD';
  return undefined;
}

/** The code a key creation must be refused with, or undefined when it must be allowed. */
function keyRefusal(caller: Caller, request: KeyRequest): string | undefined {
  if (!holds(caller, ['access:admin'])) return 'UMBRAL_ERR_FORBIDDEN';
  if (!holds(caller, request.scopes)) return 'UMBRAL_ERR_SCOPE_NOT_HELD';
  if (caller.models && request.models && !request.models.every((m) => caller.models?.includes(m))) return 'UMBRAL_ERR_MODELS_NOT_HELD';
  if (caller.limits && request.limits && request.limits.requestsPerMinute > caller.limits.requestsPerMinute) return 'UMBRAL_ERR_LIMITS_NOT_HELD';
  if (caller.expiresAt && request.expiresAt && request.expiresAt > caller.expiresAt) return 'UMBRAL_ERR_EXPIRY_NOT_HELD';
  return undefined;
}

/** Every non-empty set of permissions. */
const SCOPE_SETS: Permission[][] = Array.from({ length: 2 ** PERMISSIONS.length - 1 }, (_, i) => PERMISSIONS.filter((_p, bit) => ((i + 1) >> bit) & 1));

describe('privilege escalation: no principal grants more than it holds, on any path', () => {
  let idp: Server;
  let server: TestServer;
  const callers: Caller[] = [];
  const answers: Array<{ what: string; answer: Answer }> = [];
  let failures: string[] = [];

  /** Sends a request as `caller` and checks it was allowed (`allowedStatus`) or refused with 403 and `refusal`. */
  async function expect(what: string, caller: Caller, refusal: string | undefined, allowedStatus: number,
    send: (credential: string) => Promise<Answer>): Promise<boolean> {
    const answer = await send(caller.credential);
    answers.push({ what: `${caller.name}: ${what}`, answer });
    const got = answer.status === allowedStatus ? 'allowed' : `${answer.status} ${String(answer.body.code)}`;
    const wanted = refusal === undefined ? 'allowed' : `403 ${refusal}`;
    if (got !== wanted) failures.push(`${caller.name}: ${what}: ${got}, should be ${wanted} ${answer.status === allowedStatus ? '' : JSON.stringify(answer.body)}`);
    return answer.status === allowedStatus;
  }

  const asAdmin = (method: string, path: string, body?: unknown) => call(server, method, path, { credential: ADMIN_KEY, body });
  const userNamed = async (username: string) =>
    ((await asAdmin('GET', '/admin/users')).body.users as Array<{ username: string; role: Role; disabled: boolean }>).find((u) => u.username === username);
  const keyNamed = async (name: string) =>
    ((await asAdmin('GET', '/admin/keys')).body.keys as Array<Record<string, unknown>>).find((k) => k.name === name);
  /** Puts target user `t-<role>` back to its role, enabled (as the bootstrap admin key). */
  async function reset(role: Role, disabled = false): Promise<void> {
    assert.equal((await asAdmin('PUT', `/admin/users/t-${role}/role`, { role })).status, 200);
    assert.equal((await asAdmin('POST', `/admin/users/t-${role}/${disabled ? 'disable' : 'enable'}`)).status, 200);
  }

  before(async () => {
    const pair = await generateKeyPair('RS256');
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    idp = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    server = await startSecuredServer({
      models: {},
      overrides: {
        'oidc.issuer': ISSUER, 'oidc.audience': 'umbral-api', 'oidc.jwksUrl': `http://127.0.0.1:${(idp.address() as { port: number }).port}/certs`,
        'oidc.rolesClaim': 'groups', 'oidc.roleMap': ['ml-admins=admin'],
      },
    });
    for (const role of ROLES) assert.equal((await asAdmin('POST', '/admin/users', { username: `t-${role}`, password: GOOD_PASSWORD, role })).status, 201);
    const oidcAdmin = await new SignJWT({ preferred_username: 'ola', groups: ['ml-admins'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER).setAudience('umbral-api').setSubject('8d1c').setIssuedAt().setExpirationTime('1h').sign(pair.privateKey);
    const keyCaller = async (name: string, spec: Omit<Caller, 'name' | 'credential'>): Promise<Caller> => {
      const { permissions, expiresAt, ...rest } = spec;
      const { key } = await createKey(server, { name, scopes: permissions, ...rest, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) });
      return { name, credential: key, ...spec };
    };
    callers.push(
      { name: 'admin user', credential: (await createUser(server, 'esc-admin', 'admin')).accessToken, permissions: ROLE_PERMISSIONS.admin },
      { name: 'operator user', credential: (await createUser(server, 'esc-operator', 'operator')).accessToken, permissions: ROLE_PERMISSIONS.operator },
      { name: 'OIDC admin', credential: oidcAdmin, permissions: ROLE_PERMISSIONS.admin },
      await keyCaller('access:admin key', { permissions: ['access:admin'] }),
      await keyCaller('one-model key', { permissions: ['infer', 'access:admin'], models: ['spam-classifier'] }),
      await keyCaller('limited key', { permissions: PERMISSIONS, limits: { requestsPerMinute: 100 } }),
      await keyCaller('expiring key', { permissions: PERMISSIONS, expiresAt: new Date(Date.now() + 24 * HOUR) }),
    );
  });
  after(async () => {
    await server?.shutdown('test done');
    idp?.close();
  });
  const settle = () => {
    const found = failures;
    failures = [];
    assert.deepEqual(found, []);
  };

  it('knows what each caller holds (the oracle below reads the same facts)', async () => {
    for (const caller of callers) {
      const me = await call(server, 'GET', '/auth/me', { credential: caller.credential });
      assert.equal(me.status, 200, caller.name);
      assert.deepEqual(me.body.permissions, [...caller.permissions].sort(), caller.name);
      assert.deepEqual([me.body.models, me.body.limits, me.body.expiresAt],
        [caller.models ?? null, caller.limits ?? null, caller.expiresAt?.toISOString() ?? null], caller.name);
    }
  });

  it('creates users only with roles the caller holds, and only for callers as free as a user', async () => {
    for (const [i, caller] of callers.entries()) {
      for (const role of ROLES) {
        const username = `new-${i}-${role}`;
        const allowed = await expect(`create a ${role}`, caller, userRefusal(caller, [role]), 201,
          (credential) => call(server, 'POST', '/admin/users', { credential, body: { username, password: GOOD_PASSWORD, role } }));
        const stored = await userNamed(username);
        if (allowed !== (stored?.role === role)) failures.push(`${caller.name}: create a ${role}: stored as ${JSON.stringify(stored)}`);
      }
    }
    settle();
  });

  it("sets a role only when the caller holds both the new role and the user's current one", async () => {
    for (const caller of callers) {
      for (const current of ROLES) {
        for (const next of ROLES) {
          await reset(current);
          const allowed = await expect(`set ${current} → ${next}`, caller, userRefusal(caller, [next, current]), 200,
            (credential) => call(server, 'PUT', `/admin/users/t-${current}/role`, { credential, body: { role: next } }));
          const role = (await userNamed(`t-${current}`))?.role;
          if (role !== (allowed ? next : current)) failures.push(`${caller.name}: set ${current} → ${next}: the role is now ${role}`);
        }
      }
    }
    settle();
  });

  it('disables and enables only users whose role the caller holds', async () => {
    for (const caller of callers) {
      for (const role of ROLES) {
        for (const action of ['disable', 'enable'] as const) {
          await reset(role, action === 'enable');
          const allowed = await expect(`${action} a ${role}`, caller, userRefusal(caller, [role]), 200,
            (credential) => call(server, 'POST', `/admin/users/t-${role}/${action}`, { credential }));
          const disabled = (await userNamed(`t-${role}`))?.disabled;
          if (disabled !== (allowed === (action === 'disable'))) failures.push(`${caller.name}: ${action} a ${role}: disabled is now ${disabled}`);
        }
      }
      await Promise.all(ROLES.map((role) => reset(role)));
    }
    settle();
  });

  it('creates keys within the scopes, models, limits and expiry the caller holds; left-out ones are the caller\'s', async () => {
    const later = (caller: Caller) => new Date((caller.expiresAt?.getTime() ?? Date.now()) + HOUR);
    const earlier = (caller: Caller) => new Date((caller.expiresAt?.getTime() ?? Date.now() + 2 * HOUR) - HOUR);
    let n = 0;
    for (const caller of callers) {
      const requests: Array<[string, KeyRequest]> = [
        ...SCOPE_SETS.map((scopes): [string, KeyRequest] => [`scopes ${scopes.join('+')}`, { scopes }]),
        ['wider models', { scopes: ['access:admin'], models: ['spam-classifier', 'echo'] }],
        ['the same models', { scopes: ['access:admin'], models: ['spam-classifier'] }],
        ['looser limits', { scopes: ['access:admin'], limits: { requestsPerMinute: 1000 } }],
        ['tighter limits', { scopes: ['access:admin'], limits: { requestsPerMinute: 10 } }],
        ['a later expiry', { scopes: ['access:admin'], expiresAt: later(caller) }],
        ['an earlier expiry', { scopes: ['access:admin'], expiresAt: earlier(caller) }],
      ];
      for (const [what, request] of requests) {
        const name = `made-${++n}`;
        const allowed = await expect(`create a key with ${what}`, caller, keyRefusal(caller, request), 201, (credential) => call(server, 'POST', '/admin/keys', {
          credential, body: { name, ...request, expiresAt: request.expiresAt?.toISOString() },
        }));
        const stored = await keyNamed(name);
        if (!allowed) {
          if (stored) failures.push(`${caller.name}: create a key with ${what}: refused, yet the key exists`);
          continue;
        }
        const inherited = {
          models: request.models ?? caller.models ?? null,
          limits: caller.limits || request.limits ? { ...caller.limits, ...request.limits } : null,
          expiresAt: (request.expiresAt ?? caller.expiresAt)?.toISOString() ?? null,
        };
        const got = { models: stored?.models, limits: stored?.limits, expiresAt: stored?.expiresAt };
        if (JSON.stringify(got) !== JSON.stringify(inherited)) failures.push(`${caller.name}: create a key with ${what}: stored ${JSON.stringify(got)}, should be ${JSON.stringify(inherited)}`);
      }
    }
    settle();
  });

  it('revokes only keys whose every scope the caller holds', async () => {
    for (const [i, caller] of callers.entries()) {
      for (const scopes of [[...PERMISSIONS], ['access:admin'] as Permission[]]) {
        const target = await createKey(server, { name: `target-${i}-${scopes.length}`, scopes });
        const refusal = !holds(caller, ['access:admin']) ? 'UMBRAL_ERR_FORBIDDEN' : holds(caller, scopes) ? undefined : 'UMBRAL_ERR_SCOPE_NOT_HELD';
        const allowed = await expect(`revoke a key with ${scopes.join('+')}`, caller, refusal, 204,
          (credential) => call(server, 'DELETE', `/admin/keys/${target.id}`, { credential }));
        const works = (await call(server, 'GET', '/auth/me', { credential: target.key })).status === 200;
        if (works === allowed) failures.push(`${caller.name}: revoke a key with ${scopes.join('+')}: the key ${works ? 'still works' : 'is gone'}`);
      }
    }
    settle();
  });

  it('refuses the escalation of the issue: an access:admin key → an admin user → login → admin:write', async () => {
    const { key } = await createKey(server, { name: 'escalator', scopes: ['access:admin'] });
    const created = await call(server, 'POST', '/admin/users', { credential: key, body: { username: 'mallory', password: GOOD_PASSWORD, role: 'admin' } });
    assert.deepEqual([created.status, created.body.code], [403, 'UMBRAL_ERR_ROLE_NOT_HELD']);
    assert.match(String(created.body.error), /role 'admin' includes 'infer', which this credential does not hold/);
    assert.equal((await call(server, 'POST', '/auth/login', { body: { username: 'mallory', password: GOOD_PASSWORD } })).status, 401);
    const raised = await call(server, 'PUT', '/admin/users/t-client/role', { credential: key, body: { role: 'admin' } });
    assert.deepEqual([raised.status, raised.body.code], [403, 'UMBRAL_ERR_ROLE_NOT_HELD']);
    const { accessToken } = await login(server, 't-client');
    assert.equal((await call(server, 'GET', '/auth/me', { credential: accessToken })).body.role, 'client');
    const write = await call(server, 'POST', '/admin/models', { credential: accessToken, body: { name: 'x' } });
    assert.deepEqual([write.status, write.body.code], [403, 'UMBRAL_ERR_FORBIDDEN']);
  });

  it('never answers 5xx', () => {
    assert.ok(answers.length > 300, `only ${answers.length} answers`);
    assert.deepEqual(answers.filter(({ answer }) => answer.status >= 500).map(({ what, answer }) => `${what}: ${answer.status}`), []);
  });
});
