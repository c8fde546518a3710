import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';
import { Errors } from '../errors/catalogue.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/registry/test-database.js';
import type { Queryable } from '../store/database.js';
import { generateSecret, parseSecret, sha256Hex } from './opaque-secret.js';
import { RefreshTokenStore } from './refresh-token-store.js';
import { loadRevokedSessions, type RevokedSession } from './revoked-sessions.js';
import { UserStore, type UserRecord } from './user-store.js';

const TTL_SECONDS = 3600;
const DENY_SECONDS = 960;
const REUSED = 'reused; every session of this login was revoked';
const A_JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZ2VuIjowfQ.c2lnbmF0dXJlLW5vdC1jaGVja2Vk';

interface TokenRow {
  id: string;
  family: string;
  user_id: string;
  used: boolean;
  revoked: boolean;
}

function refused(reason: string) {
  return { code: Errors.refreshTokenInvalid.code, status: 401, message: Errors.refreshTokenInvalid(reason).message };
}

function idOf(token: string): string {
  const parsed = parseSecret(token, 'urt');
  assert.ok(parsed, `a urt_<id>_<secret> token: ${token}`);
  return parsed.id;
}

async function tokenRow(q: Queryable, token: string): Promise<TokenRow | undefined> {
  const [row] = await q.query<TokenRow>(
    `SELECT id, family, user_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked
     FROM umbral_refresh_tokens WHERE id = $1`, [idOf(token)]);
  return row;
}

async function familyOf(q: Queryable, token: string): Promise<TokenRow[]> {
  return q.query<TokenRow>(
    `SELECT id, family, user_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked
     FROM umbral_refresh_tokens WHERE family = (SELECT family FROM umbral_refresh_tokens WHERE id = $1) ORDER BY created_at, id`, [idOf(token)]);
}

async function eventsOf(q: Queryable, subject: string): Promise<Array<{ actor: string; action: string; address: string | null }>> {
  return q.query('SELECT actor, action, address FROM umbral_auth_events WHERE subject = $1 ORDER BY id', [subject]);
}

let counter = 0;

function refreshTokenSuite(name: string, databaseUrl: string, skip?: string): void {
  describe(`RefreshTokenStore on ${name}`, skip ? { skip } : {}, () => {
    let t: TestDatabase;
    let users: UserStore;
    let store: RefreshTokenStore;
    const noted: RevokedSession[] = [];
    /** The denylist now, as the directory loads it. */
    const denied = async () => new Set((await loadRevokedSessions(t.db)).map((session) => session.sid));
    before(async () => {
      t = await openTestDatabase(databaseUrl);
      users = new UserStore(t.db);
      store = new RefreshTokenStore(t.db, TTL_SECONDS, { denySeconds: DENY_SECONDS, onRevoked: (session) => noted.push(session) });
    });
    after(async () => t?.dispose());

    function newUser(): Promise<UserRecord> {
      counter += 1;
      return users.create({ username: `rt-user${counter}-${process.pid}`, passwordHash: 'hash', role: 'client' }, 'key:bootstrap');
    }

    it('issues a token of which only the SHA-256 of the secret is stored, nowhere the text', async () => {
      const user = await newUser();
      const before = Date.now();
      const { token, expiresAt } = await store.issue(user.id);
      const parsed = parseSecret(token, 'urt');
      assert.ok(parsed);
      assert.ok(Math.abs(expiresAt.getTime() - (before + TTL_SECONDS * 1000)) < 60_000, expiresAt.toISOString());
      const next = await store.rotate(token, '10.0.0.1');
      const [row] = await t.db.query<{ text: string; secret_sha256: string }>(
        'SELECT row_to_json(r)::text AS text, secret_sha256 FROM umbral_refresh_tokens r WHERE id = $1', [parsed.id]);
      assert.equal(row?.secret_sha256, sha256Hex(parsed.secret));
      const [all] = await t.db.query<{ text: string }>(
        `SELECT (SELECT string_agg(row_to_json(r)::text, '') FROM umbral_refresh_tokens r)
           || (SELECT string_agg(row_to_json(e)::text, '') FROM umbral_auth_events e) AS text`);
      for (const secret of [parsed.secret, parseSecret(next.token, 'urt')?.secret ?? 'missing']) {
        assert.ok(!all?.text.includes(secret), 'no secret in any token row or event');
      }
    });

    it('rotates along a chain: each token once, the next in the same family, each exchange recorded', async () => {
      const user = await newUser();
      const first = await store.issue(user.id);
      const chain = [first.token];
      for (let i = 0; i < 4; i += 1) {
        const next = await store.rotate(chain.at(-1) ?? '', '10.0.0.2');
        assert.equal(next.userId, user.id);
        assert.ok(next.expiresAt.getTime() >= first.expiresAt.getTime());
        chain.push(next.token);
      }
      assert.equal(new Set(chain).size, chain.length);
      const family = await familyOf(t.db, first.token);
      // Rows made within one clock tick tie on created_at: compare by id, in the chain's order.
      const byId = new Map(family.map((r) => [r.id, r]));
      assert.deepEqual([...byId.keys()].sort(), chain.map(idOf).sort());
      assert.deepEqual(chain.map((token) => { const r = byId.get(idOf(token)); return [r?.used, r?.revoked]; }),
        [...Array(4).fill([true, false]), [false, false]]);
      assert.deepEqual(await eventsOf(t.db, family[0]?.family ?? ''),
        Array(4).fill({ actor: `user:${user.username}`, action: 'token.refresh', address: '10.0.0.2' }));
      const fresh = await store.issue(user.id);
      assert.notEqual((await tokenRow(t.db, fresh.token))?.family, family[0]?.family, 'a new login is a new family');
    });

    it('answers reuse of a used token by revoking the whole family, the newest token included, and keeps that', async () => {
      const user = await newUser();
      const first = await store.issue(user.id);
      const other = await store.issue(user.id);
      const second = await store.rotate(first.token);
      const third = await store.rotate(second.token);
      await assert.rejects(store.rotate(first.token, '10.6.6.6'), refused(REUSED));
      assert.ok((await familyOf(t.db, first.token)).every((r) => r.revoked), 'committed although rotate threw');
      await assert.rejects(store.rotate(third.token), refused('revoked'));
      await assert.rejects(store.rotate(second.token), refused('revoked'));
      const family = (await tokenRow(t.db, first.token))?.family ?? '';
      assert.deepEqual((await eventsOf(t.db, family)).map((e) => [e.action, e.actor, e.address]), [
        ['token.refresh', `user:${user.username}`, null], ['token.refresh', `user:${user.username}`, null],
        ['token.reuse', `user:${user.username}`, '10.6.6.6'],
      ]);
      assert.equal((await store.rotate(other.token)).userId, user.id, "the user's other logins go on");
    });

    it("refuses as 'unknown' an access token, garbage, another kind of credential and a wrong secret", async () => {
      const user = await newUser();
      const { token } = await store.issue(user.id);
      const id = idOf(token);
      const wrongSecret = `urt_${id}_${generateSecret('urt').text.split('_')[2]}`;
      const unknownId = generateSecret('urt').text;
      for (const bad of [A_JWT, `Bearer ${A_JWT}`, '', 'urt_', `${token} `, ` ${token}`, `${token}x`, token.replace('urt_', 'umb_'),
        generateSecret('umb').text, wrongSecret, unknownId, "urt_' OR '1'='1", 'x'.repeat(100_000), undefined as unknown as string]) {
        await assert.rejects(store.rotate(bad), refused('unknown'), bad?.slice(0, 60));
      }
      const row = await tokenRow(t.db, token);
      assert.deepEqual([row?.used, row?.revoked], [false, false], 'a wrong secret neither uses nor revokes the real token');
      assert.equal((await store.rotate(token)).userId, user.id);
    });

    it("refuses an expired token as 'expired', without using it", async () => {
      const user = await newUser();
      const { token } = await store.issue(user.id);
      await t.db.query("UPDATE umbral_refresh_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [idOf(token)]);
      await assert.rejects(store.rotate(token), refused('expired'));
      const row = await tokenRow(t.db, token);
      assert.deepEqual([row?.used, row?.revoked], [false, false]);
    });

    it('lets exactly one of two concurrent rotations of a token win; the other is a reuse', async () => {
      for (let round = 0; round < 5; round += 1) {
        const user = await newUser();
        const { token } = await store.issue(user.id);
        const results = await Promise.allSettled([store.rotate(token), store.rotate(token)]);
        const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<RefreshTokenStore['rotate']>>> => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.deepEqual([won.length, lost.length], [1, 1], `round ${round}`);
        assert.equal((lost[0]?.reason as Error).message, Errors.refreshTokenInvalid(REUSED).message);
        await assert.rejects(store.rotate(won[0]?.value.token ?? ''), refused('revoked'), 'the winner is revoked with its family');
      }
    });

    it('leaves no token of the family alive when a reuse races a rotation of the newest token', async () => {
      for (let round = 0; round < 10; round += 1) {
        const user = await newUser();
        const first = await store.issue(user.id);
        const second = await store.rotate(first.token);
        const [replay, legit] = await Promise.allSettled([store.rotate(first.token), store.rotate(second.token)]);
        assert.equal(replay.status, 'rejected', `round ${round}`);
        if (legit.status === 'fulfilled') await assert.rejects(store.rotate(legit.value.token), refused('revoked'));
        assert.deepEqual((await familyOf(t.db, first.token)).filter((r) => !r.revoked), [], `round ${round}`);
      }
    });

    it("refuses a disabled user's token as 'revoked'", async () => {
      const user = await newUser();
      const { token } = await store.issue(user.id);
      await t.db.query('UPDATE umbral_users SET disabled_at = now() WHERE id = $1', [user.id]);
      await assert.rejects(store.rotate(token), refused('revoked'));
      await t.db.query('UPDATE umbral_users SET disabled_at = NULL WHERE id = $1', [user.id]);
      await users.setDisabled(user.username, true, 'key:bootstrap');
      await users.setDisabled(user.username, false, 'key:bootstrap');
      await assert.rejects(store.rotate(token), refused('revoked'), 'disabling revoked it for good');
    });

    it('leaves no live token when a rotation races a disable or a password change', async () => {
      for (let round = 0; round < 6; round += 1) {
        const user = await newUser();
        const { token } = await store.issue(user.id);
        const change = round % 2 === 0
          ? users.setDisabled(user.username, true, 'key:bootstrap')
          : users.changePassword(user.id, 'new-hash', 'key:bootstrap');
        const [rotated] = await Promise.allSettled([store.rotate(token), change]);
        if (rotated.status === 'rejected') assert.equal((rotated.reason as Error).message, Errors.refreshTokenInvalid('revoked').message);
        const [live] = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM umbral_refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [user.id]);
        assert.equal(live?.n, '0', `round ${round}`);
      }
    });

    it('logout revokes the family of a genuine token of the user, denies its session, and ignores anything else', async () => {
      const user = await newUser();
      const first = await store.issue(user.id);
      const other = await store.issue(user.id);
      const second = await store.rotate(first.token);
      const unknown = { refused: 'unknown' };
      assert.deepEqual(await store.revokeFamily(`urt_${idOf(second.token)}_${generateSecret('urt').text.split('_')[2]}`, user.id), unknown);
      assert.equal((await tokenRow(t.db, second.token))?.revoked, false, 'a wrong secret revokes nothing');
      for (const bad of [A_JWT, '', 'garbage', generateSecret('urt').text, undefined as unknown as string]) {
        assert.deepEqual(await store.revokeFamily(bad, user.id), unknown);
      }
      assert.equal((await denied()).has(first.family), false);
      assert.deepEqual(await store.revokeFamily(first.token, user.id), { ended: first.family }, 'a used token still ends its login');
      assert.ok((await familyOf(t.db, first.token)).every((r) => r.revoked));
      await assert.rejects(store.rotate(second.token), refused('revoked'));
      assert.equal((await tokenRow(t.db, other.token))?.revoked, false);
      assert.ok((await denied()).has(first.family), 'the session is on the denylist');
      assert.equal((await denied()).has(other.family), false, 'the user\'s other login is not');
      assert.equal(noted.at(-1)?.sid, first.family, 'the replica was told at once');
    });

    it("refuses to end another user's session with its refresh token, and changes nothing", async () => {
      const [owner, intruder] = [await newUser(), await newUser()];
      const { token, family } = await store.issue(owner.id);
      const notedBefore = noted.length;
      assert.deepEqual(await store.revokeFamily(token, intruder.id), { refused: 'not-owned' });
      assert.equal((await tokenRow(t.db, token))?.revoked, false);
      assert.equal((await denied()).has(family), false);
      assert.equal(noted.length, notedBefore);
      assert.equal((await store.rotate(token)).userId, owner.id, 'the owner goes on');
    });

    it('ends a session by its id (logout without a refresh token): its refresh tokens and its access tokens', async () => {
      const user = await newUser();
      const first = await store.issue(user.id);
      const other = await store.issue(user.id);
      const second = await store.rotate(first.token);
      assert.equal(second.family, first.family, 'a rotation stays in the session');
      const before = Date.now();
      await store.revokeSession(first.family, user.id);
      await assert.rejects(store.rotate(second.token), refused('revoked'));
      assert.equal((await store.rotate(other.token)).userId, user.id, 'the other session goes on');
      const entry = (await loadRevokedSessions(t.db)).find((session) => session.sid === first.family);
      assert.ok(entry, 'on the denylist');
      const seconds = (entry.expiresAt.getTime() - before) / 1000;
      assert.ok(seconds > DENY_SECONDS - 60 && seconds < DENY_SECONDS + 60, `kept ${seconds} s`);
      assert.deepEqual(noted.at(-1), entry);
    });

    it('puts a session revoked for a refresh-token reuse on the denylist, in the same transaction', async () => {
      const user = await newUser();
      const first = await store.issue(user.id);
      await store.rotate(first.token);
      assert.equal((await denied()).has(first.family), false);
      await assert.rejects(store.rotate(first.token), refused(REUSED));
      assert.ok((await denied()).has(first.family));
      assert.equal(noted.at(-1)?.sid, first.family);
    });

    it('prunes entries whose time is up, and never loads them', async () => {
      await t.db.query(`INSERT INTO umbral_revoked_sessions (sid, expires_at) VALUES ('long-gone', now() - interval '1 second')`);
      assert.equal((await denied()).has('long-gone'), false);
      const user = await newUser();
      await store.revokeSession((await store.issue(user.id)).family, user.id);
      const [left] = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM umbral_revoked_sessions WHERE sid = 'long-gone'`);
      assert.equal(left?.n, '0');
    });

    it("revokes every token of a user, and no one else's", async () => {
      const [user, bystander] = [await newUser(), await newUser()];
      const tokens = [await store.issue(user.id), await store.issue(user.id), await store.issue(bystander.id)];
      assert.equal(await store.revokeAllForUser(user.id), 2);
      assert.equal(await store.revokeAllForUser(user.id), 0);
      await assert.rejects(store.rotate(tokens[0]?.token ?? ''), refused('revoked'));
      assert.equal((await store.rotate(tokens[2]?.token ?? '')).userId, bystander.id);
    });

    it('refuses a lifetime that is not a whole number of seconds', () => {
      for (const ttl of [0, -1, 1.5, Number.NaN]) {
        assert.throws(() => new RefreshTokenStore(t.db, ttl, { denySeconds: DENY_SECONDS }), { code: Errors.configInvalid.code });
      }
    });
  });
}

refreshTokenSuite('PGlite', '');

const { databaseUrl } = loadConfig().store;
refreshTokenSuite('PostgreSQL', databaseUrl,
  databaseUrl ? undefined : 'DATABASE_URL is not set: set it to a PostgreSQL server URL to run this suite there');
