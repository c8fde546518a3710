import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';
import { Errors } from '../errors/catalogue.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/registry/test-database.js';
import type { Queryable } from '../store/database.js';
import { ACCESS_CHANNEL } from './access-channel.js';
import type { Role } from './permissions.js';
import { RefreshTokenStore } from './refresh-token-store.js';
import { UserStore, type UserRecord } from './user-store.js';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const ADMIN = 'key:bootstrap';

interface EventRow {
  actor: string;
  action: string;
  subject: string | null;
  address: string | null;
  detail: Record<string, unknown> | null;
}

function events(q: Queryable, subject: string): Promise<EventRow[]> {
  return q.query<EventRow>('SELECT actor, action, subject, address, detail FROM umbral_auth_events WHERE subject = $1 ORDER BY id', [subject]);
}

async function liveTokens(q: Queryable, userId: string): Promise<number> {
  const [row] = await q.query<{ n: string }>('SELECT count(*) AS n FROM umbral_refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  return Number(row?.n);
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The fullwidth look-alike of an ASCII string (`ａｌｉｃｅ`), which NFKC folds back. */
function fullwidth(ascii: string): string {
  return ascii.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xFEE0));
}

let counter = 0;
function freshName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}-${process.pid}`;
}

function userStoreSuite(name: string, databaseUrl: string, skip?: string): void {
  describe(`UserStore on ${name}`, skip ? { skip } : {}, () => {
    let t: TestDatabase;
    let users: UserStore;
    let refresh: RefreshTokenStore;
    before(async () => {
      t = await openTestDatabase(databaseUrl);
      users = new UserStore(t.db);
      refresh = new RefreshTokenStore(t.db, 3600, { denySeconds: 960 });
    });
    after(async () => t?.dispose());

    const create = (username: string, role: Role = 'client') => users.create({ username, passwordHash: HASH, role }, ADMIN);
    /** Leaves exactly `names` as enabled admins (others become viewers), whatever earlier tests made. */
    async function onlyAdmins(...names: string[]): Promise<UserRecord[]> {
      await t.db.query(`UPDATE umbral_users SET role = 'viewer' WHERE role = 'admin' AND NOT (username = ANY($1::text[]))`, [names]);
      return Promise.all(names.map((n) => create(n, 'admin')));
    }
    async function enabledAdmins(): Promise<string[]> {
      return (await users.list()).filter((u) => u.role === 'admin' && !u.disabled).map((u) => u.username);
    }

    it('creates a user under its normalized name and records who did it', async () => {
      const raw = `  ${freshName('Alice')}  `;
      const created = await users.create({ username: raw, passwordHash: HASH, role: 'operator' }, 'user:root', '10.0.0.7');
      const username = raw.trim().toLowerCase();
      assert.equal(created.username, username);
      assert.match(created.id, /^[1-9][0-9]*$/);
      assert.deepEqual([created.role, created.disabled, created.tokenGeneration, created.createdBy], ['operator', false, 0, 'user:root']);
      assert.ok(Math.abs(created.createdAt.getTime() - Date.now()) < 60_000);
      assert.ok(created.passwordChangedAt instanceof Date);
      assert.deepEqual(await users.get(raw.toUpperCase()), created);
      assert.deepEqual(await users.getById(created.id), created);
      assert.ok((await users.list()).some((u) => u.id === created.id));
      assert.deepEqual(await events(t.db, username), [{ actor: 'user:root', action: 'user.create', subject: username, address: '10.0.0.7', detail: { role: 'operator' } }]);
    });

    it('refuses a taken name, however it is spelled, and changes nothing', async () => {
      const username = freshName();
      const first = await create(username);
      await assert.rejects(create(` ${fullwidth(username)}`), { code: Errors.userExists.code });
      await assert.rejects(users.create({ username: username.toUpperCase(), passwordHash: 'other', role: 'admin' }, ADMIN), { code: Errors.userExists.code });
      assert.deepEqual(await users.get(username), first);
      assert.equal((await users.findForLogin(username))?.passwordHash, HASH);
      assert.equal((await events(t.db, username)).length, 1);
    });

    it('refuses an invalid name or role before writing anything', async () => {
      const [before] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM umbral_users');
      await assert.rejects(create("admin' OR '1'='1"), { code: Errors.invalidUsername.code, status: 400 });
      await assert.rejects(create('x'.repeat(10_000)), { code: Errors.invalidUsername.code });
      await assert.rejects(users.create({ username: freshName(), passwordHash: HASH, role: 'root' as Role }, ADMIN), { code: Errors.invalidRequest.code });
      await assert.rejects(users.createIfAbsent({ username: '<script>', passwordHash: HASH, role: 'client' }, 'anonymous'), { code: Errors.invalidUsername.code });
      const [after] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM umbral_users');
      assert.equal(after?.n, before?.n);
    });

    it('createIfAbsent answers a taken name with undefined, after the same statements as a creation', async () => {
      const username = freshName();
      const payloads: string[] = [];
      const unlisten = await t.db.listen(ACCESS_CHANNEL, (payload) => payloads.push(payload));
      try {
        const created = await users.createIfAbsent({ username, passwordHash: HASH, role: 'client' }, 'anonymous', '10.0.0.9', 'register');
        assert.equal(created?.username, username);
        await waitFor(() => payloads.length === 1);
        const again = await users.createIfAbsent({ username: username.toUpperCase(), passwordHash: 'attacker', role: 'client' }, 'anonymous', '10.0.0.9', 'register');
        assert.equal(again, undefined);
        await waitFor(() => payloads.length === 2);
      } finally {
        await unlisten();
      }
      assert.equal((await users.findForLogin(username))?.passwordHash, HASH, 'the first password stays');
      assert.deepEqual((await events(t.db, username)).map((e) => [e.action, e.actor, e.address, e.detail]), [
        ['register', 'anonymous', '10.0.0.9', { role: 'client', created: true }],
        ['register', 'anonymous', '10.0.0.9', { role: 'client', created: false }],
      ]);
    });

    it('finds a user for login by any spelling, with the hash; a bad or unknown name is undefined, not an error', async () => {
      const username = freshName();
      const user = await create(username);
      assert.deepEqual(await users.findForLogin(` ${username.toUpperCase()} `), { user, passwordHash: HASH });
      assert.equal(await users.findForLogin(freshName('absent')), undefined);
      for (const bad of ["admin' OR '1'='1", '', 'x'.repeat(100_000), '\u0000', undefined as unknown as string]) {
        assert.equal(await users.findForLogin(bad), undefined);
        assert.equal(await users.get(bad), undefined);
      }
      for (const bad of ['abc', '-1', '0', '1.5', '99999999999999999999999', '1 OR 1=1', '', undefined as unknown as string]) {
        assert.equal(await users.getById(bad), undefined, String(bad));
      }
      assert.equal(await users.getById('987654321'), undefined);
      assert.equal('passwordHash' in user, false, 'records never carry the hash');
    });

    it('changes a role: bumps the token generation, records from and to; the same role changes nothing', async () => {
      const username = freshName();
      const user = await create(username, 'viewer');
      const changed = await users.setRole(username.toUpperCase(), 'operator', 'user:root', '10.0.0.1');
      assert.deepEqual([changed.role, changed.tokenGeneration], ['operator', user.tokenGeneration + 1]);
      assert.deepEqual(await users.setRole(username, 'operator', 'user:root'), changed);
      const trail = await events(t.db, username);
      assert.deepEqual(trail.at(-1), { actor: 'user:root', action: 'user.role', subject: username, address: '10.0.0.1', detail: { from: 'viewer', to: 'operator' } });
      assert.equal(trail.length, 2);
      await assert.rejects(users.setRole(freshName('absent'), 'admin', ADMIN), { code: Errors.userNotFound.code });
      await assert.rejects(users.setRole("x' OR 1=1 --", 'admin', ADMIN), { code: Errors.userNotFound.code });
      await assert.rejects(users.setRole(username, 'root' as Role, ADMIN), { code: Errors.invalidRequest.code });
    });

    it('refuses to demote or disable the last enabled admin, and counts only enabled admins', async () => {
      const [first] = await onlyAdmins(freshName('admin'));
      const a = first?.username ?? '';
      await assert.rejects(users.setRole(a, 'operator', ADMIN), { code: Errors.lastAdmin.code, status: 409 });
      await assert.rejects(users.setDisabled(a, true, ADMIN), { code: Errors.lastAdmin.code });
      const b = (await create(freshName('admin'), 'admin')).username;
      await users.setDisabled(b, true, ADMIN);
      await assert.rejects(users.setRole(a, 'viewer', ADMIN), { code: Errors.lastAdmin.code }, 'a disabled admin does not count');
      assert.equal((await users.setRole(b, 'viewer', ADMIN)).role, 'viewer', 'a disabled admin may be demoted');
      await users.setRole(b, 'admin', ADMIN);
      await users.setDisabled(b, false, ADMIN);
      assert.equal((await users.setDisabled(a, true, ADMIN)).disabled, true, 'one of two enabled admins may go');
      await assert.rejects(users.setDisabled(b, true, ADMIN), { code: Errors.lastAdmin.code });
      await assert.rejects(users.setRole(b, 'client', ADMIN), { code: Errors.lastAdmin.code });
      assert.equal((await users.setRole(b, 'admin', ADMIN)).role, 'admin', 'keeping the role is no demotion');
      assert.deepEqual(await enabledAdmins(), [b]);
    });

    it('lets exactly one of two concurrent demotions or disables of the last two admins pass', async () => {
      for (let round = 0; round < 6; round += 1) {
        const [a, b] = (await onlyAdmins(freshName('admin'), freshName('admin'))).map((u) => u.username) as [string, string];
        const results = await Promise.allSettled(round % 2 === 0
          ? [users.setRole(a, 'viewer', ADMIN), users.setRole(b, 'operator', ADMIN)]
          : [users.setDisabled(a, true, ADMIN), users.setRole(b, 'client', ADMIN)]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], `round ${round}`);
        const refusal = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.equal((refusal.reason as { code?: string }).code, Errors.lastAdmin.code, String(refusal.reason));
        assert.equal((await enabledAdmins()).length, 1, `round ${round}`);
      }
    });

    it('disables a user: bumps the generation and revokes every refresh token; again changes nothing; enables', async () => {
      const username = freshName();
      const user = await create(username);
      await refresh.issue(user.id);
      await refresh.issue(user.id);
      assert.equal(await liveTokens(t.db, user.id), 2);
      const disabled = await users.setDisabled(username, true, 'user:root', '10.0.0.2');
      assert.deepEqual([disabled.disabled, disabled.tokenGeneration], [true, user.tokenGeneration + 1]);
      assert.equal(await liveTokens(t.db, user.id), 0);
      assert.deepEqual(await users.setDisabled(username, true, 'user:root'), disabled);
      const enabled = await users.setDisabled(username, false, 'user:root');
      assert.deepEqual([enabled.disabled, enabled.tokenGeneration], [false, disabled.tokenGeneration]);
      assert.equal(await liveTokens(t.db, user.id), 0, 'enabling brings no token back');
      assert.deepEqual((await events(t.db, username)).map((e) => [e.action, e.address]),
        [['user.create', null], ['user.disable', '10.0.0.2'], ['user.enable', null]]);
      await assert.rejects(users.setDisabled(freshName('absent'), true, ADMIN), { code: Errors.userNotFound.code });
    });

    it('changes a password: new hash and time, bumped generation, every refresh token revoked', async () => {
      const username = freshName();
      const user = await create(username);
      const other = await create(freshName());
      await refresh.issue(user.id);
      await refresh.issue(other.id);
      await users.changePassword(user.id, 'new-hash', `user:${username}`, '10.0.0.3');
      const found = await users.findForLogin(username);
      assert.equal(found?.passwordHash, 'new-hash');
      assert.equal(found?.user.tokenGeneration, user.tokenGeneration + 1);
      assert.ok((found?.user.passwordChangedAt.getTime() ?? 0) >= user.passwordChangedAt.getTime());
      assert.deepEqual([await liveTokens(t.db, user.id), await liveTokens(t.db, other.id)], [0, 1]);
      assert.deepEqual((await events(t.db, username)).at(-1), { actor: `user:${username}`, action: 'password.change', subject: username, address: '10.0.0.3', detail: null });
      await assert.rejects(users.changePassword('987654321', 'h', ADMIN), { code: Errors.userNotFound.code });
      await assert.rejects(users.changePassword('1; DROP TABLE umbral_users', 'h', ADMIN), { code: Errors.userNotFound.code });
    });

    it('loads the directory: every user with id, name, role, state and generation only', async () => {
      const user = await create(freshName(), 'viewer');
      const entry = (await users.loadDirectory()).find((u) => u.id === user.id);
      assert.deepEqual(entry, { id: user.id, username: user.username, role: 'viewer', disabled: false, tokenGeneration: 0 });
    });

    it("notifies 'users' in the transaction of every change, and not for a refused one", async () => {
      const [admin] = await onlyAdmins(freshName('admin'));
      const username = freshName();
      const payloads: string[] = [];
      const unlisten = await t.db.listen(ACCESS_CHANNEL, (payload) => payloads.push(payload));
      try {
        const steps: Array<() => Promise<unknown>> = [
          () => create(username), () => users.setRole(username, 'viewer', ADMIN), () => users.setDisabled(username, true, ADMIN),
          () => users.setDisabled(username, false, ADMIN), async () => users.changePassword((await users.get(username))?.id ?? '', 'h2', ADMIN),
        ];
        for (const [i, step] of steps.entries()) {
          await step();
          await waitFor(() => payloads.length === i + 1);
        }
        await assert.rejects(create(username), { code: Errors.userExists.code });
        await assert.rejects(users.setRole(admin?.username ?? '', 'viewer', ADMIN), { code: Errors.lastAdmin.code });
        // Delivered in commit order: once this one is here, a refused change's would be too.
        await users.setRole(username, 'operator', ADMIN);
        await waitFor(() => payloads.length >= steps.length + 1);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(payloads, Array(steps.length + 1).fill('users'));
      } finally {
        await unlisten();
      }
    });
  });
}

userStoreSuite('PGlite', '');

const { databaseUrl } = loadConfig().store;
userStoreSuite('PostgreSQL', databaseUrl,
  databaseUrl ? undefined : 'DATABASE_URL is not set: set it to a PostgreSQL server URL to run this suite there');
