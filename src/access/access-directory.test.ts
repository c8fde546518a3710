import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/registry/test-database.js';
import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open-database.js';
import { ACCESS_CHANNEL } from './access-channel.js';
import { AccessDirectory, type AccessDirectoryDeps, type ActiveKey, type UserSnapshot } from './access-directory.js';
import { KeyStore } from './key-store.js';
import { parseSecret } from './opaque-secret.js';
import { denySession, loadRevokedSessions } from './revoked-sessions.js';

const HOUR = 3_600_000;
const NEVER = 24 * HOUR;
const CONFIGURED = 'a-configured-admin-key-of-40-characters!';

async function waitFor(check: () => boolean, ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A second connection pool on the same schema, as another replica would have. */
async function secondConnection(db: Database, databaseUrl: string): Promise<Database> {
  const [row] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
  return openDatabase({ dataDir: tmpdir(), databaseUrl, schema: row?.schema });
}

function withOtherSecret(key: string): string {
  const parsed = parseSecret(key, 'umb');
  assert.ok(parsed);
  const last = parsed.secret.endsWith('A') ? 'B' : 'A';
  return `umb_${parsed.id}_${parsed.secret.slice(0, -1)}${last}`;
}

function directorySuite(name: string, databaseUrl: string, skip?: string): void {
  describe(`AccessDirectory on ${name}`, skip ? { skip } : {}, () => {
    let t: TestDatabase;
    let store: KeyStore;
    let directory: AccessDirectory;
    let users: UserSnapshot[] = [{ id: '7', username: 'alice', role: 'viewer', disabled: false, tokenGeneration: 0 }];
    const errors: string[] = [];
    const open = (overrides: Partial<AccessDirectoryDeps> = {}, db = t.db) => new AccessDirectory({
      db, loadKeys: () => new KeyStore(db).loadActive(new Date()), loadUsers: async () => users, loadRevokedSessions: () => loadRevokedSessions(db),
      recordUse: (used) => store.recordUse(used), resyncIntervalMs: NEVER, onError: (_error, what) => errors.push(what),
      ...overrides,
    });
    const newKey = async (expiresAt: Date | null = null) =>
      (await store.create({ name: 'test key', scopes: ['infer'], models: ['iris'], expiresAt }, 'user:alice')).key;

    before(async () => {
      t = await openTestDatabase(databaseUrl);
      store = new KeyStore(t.db);
      assert.equal((await store.bootstrap({ adminKey: CONFIGURED })).outcome, 'created');
      directory = open();
      await directory.start();
    });
    after(async () => {
      await directory?.stop();
      await t?.dispose();
    });

    it('accepts a key, and refuses a wrong secret, an expired and a revoked key', async () => {
      const key = await newKey(new Date(Date.now() + HOUR));
      await directory.refresh('keys');
      const found = directory.findKey(key);
      assert.deepEqual([found?.id, found?.name, found?.scopes, found?.models], [parseSecret(key, 'umb')?.id, 'test key', ['infer'], ['iris']]);
      assert.equal(directory.findKey(withOtherSecret(key)), undefined);
      assert.equal(directory.findKey(key, new Date(Date.now() + 2 * HOUR)), undefined);
      await store.revoke(found?.id ?? '', 'user:alice');
      await directory.refresh('keys');
      assert.equal(directory.findKey(key), undefined);
    });

    it('accepts the configured bootstrap key, and nothing near it', () => {
      assert.equal(directory.findKey(CONFIGURED)?.id, 'bootstrap');
      for (const near of [`${CONFIGURED}x`, CONFIGURED.slice(0, -1), ` ${CONFIGURED}`, CONFIGURED.toUpperCase()]) {
        assert.equal(directory.findKey(near), undefined, near);
      }
    });

    it('refuses garbage of any length without throwing', async () => {
      const key = await newKey();
      await directory.refresh('keys');
      const garbage = ['', 'umb_', 'umb__', 'umb_x_y', `umb_${'a'.repeat(16)}_${'b'.repeat(43)}`, '\u0000', '😀'.repeat(40),
        randomBytes(64).toString('latin1'), 'x'.repeat(1_000_000), `${key}${'x'.repeat(1_000_000)}`, `${CONFIGURED}${'\u0000'.repeat(1_000_000)}`,
        `umb_${'a'.repeat(16)}_${'b'.repeat(1_000_000)}`, key.slice(0, -1), `${key} `];
      const started = Date.now();
      for (const text of garbage) assert.equal(directory.findKey(text), undefined, text.slice(0, 80));
      assert.ok(Date.now() - started < 1000, 'refusing garbage is quick');
      assert.ok(directory.findKey(key));
    });

    it('sees a revoke made through another connection within a second, by notification alone', async () => {
      const other = databaseUrl === '' ? t.db : await secondConnection(t.db, databaseUrl);
      const replica = open({}, other);
      try {
        await replica.start();
        const key = await newKey();
        await waitFor(() => replica.findKey(key) !== undefined);
        await store.revoke(parseSecret(key, 'umb')?.id ?? '', 'user:alice');
        await waitFor(() => replica.findKey(key) === undefined, 1000);
      } finally {
        await replica.stop();
        if (other !== t.db) await other.close();
      }
    });

    it('refuses a session put on the denylist through another connection within a second, by notification alone', async () => {
      const other = databaseUrl === '' ? t.db : await secondConnection(t.db, databaseUrl);
      const replica = open({}, other);
      const sid = `session-${randomBytes(4).toString('hex')}`;
      try {
        await replica.start();
        assert.equal(replica.sessionRevoked(sid), false);
        await t.db.transaction((tx) => denySession(t.db, tx, sid, 60));
        await waitFor(() => replica.sessionRevoked(sid), 1000);
        assert.equal(replica.sessionRevoked(sid, Date.now() + 120_000), false, 'until its time is up');
        assert.equal(replica.sessionRevoked('another-session'), false);
      } finally {
        await replica.stop();
        if (other !== t.db) await other.close();
      }
    });

    it('refuses a session noted locally at once, keeps it through a reload that has not seen it yet, and prunes it when its time is up', async () => {
      let loaded: Array<{ sid: string; expiresAt: Date }> = [];
      const local = open({ loadRevokedSessions: async () => loaded });
      await local.refresh('sessions');
      const soon = new Date(Date.now() + 60_000);
      local.noteRevokedSession({ sid: 'noted', expiresAt: soon });
      local.noteRevokedSession({ sid: 'over', expiresAt: new Date(Date.now() - 1) });
      assert.equal(local.sessionRevoked('noted'), true);
      assert.equal(local.sessionRevoked('over'), false);
      await local.refresh('sessions');
      assert.equal(local.sessionRevoked('noted'), true, 'a reload that began before the commit does not undo it');
      assert.equal(local.sessionRevoked('over', Date.now() - 60_000), false, 'an entry whose time is up is dropped at the reload');
      loaded = [{ sid: 'noted', expiresAt: new Date(soon.getTime() + 1000) }, { sid: 'elsewhere', expiresAt: soon }];
      await local.refresh();
      assert.deepEqual([local.sessionRevoked('noted', soon.getTime() + 500), local.sessionRevoked('elsewhere')], [true, true]);
    });

    it('reloads the part a notification names, and both for an unknown payload', async () => {
      const loads = { keys: 0, users: 0 };
      const watched = open({
        loadKeys: async () => { loads.keys++; return store.loadActive(new Date()); },
        loadUsers: async () => { loads.users++; return users; },
      });
      try {
        await watched.start();
        assert.deepEqual(loads, { keys: 1, users: 1 });
        assert.equal(watched.user('7')?.role, 'viewer');
        users = [{ id: '7', username: 'alice', role: 'operator', disabled: false, tokenGeneration: 1 }];
        await t.db.notify(ACCESS_CHANNEL, 'users');
        await waitFor(() => watched.user('7')?.role === 'operator');
        assert.deepEqual([loads, watched.user('7')?.tokenGeneration, watched.user('8')], [{ keys: 1, users: 2 }, 1, undefined]);
        await t.db.notify(ACCESS_CHANNEL, 'something else');
        await waitFor(() => loads.keys === 2 && loads.users === 3);
      } finally {
        await watched.stop();
      }
    });

    it('runs one more reload after a running one, however many were asked', async () => {
      const gates: ((keys: ActiveKey[]) => void)[] = [];
      const gated = open({ loadKeys: () => new Promise((resolve) => gates.push(resolve)) });
      let settled = 0;
      const asks = [1, 2, 3, 4].map(() => gated.refresh('keys').then(() => { settled++; }));
      await waitFor(() => gates.length === 1);
      gates[0]?.([]);
      await waitFor(() => gates.length === 2);
      assert.equal(settled, 1, 'only the first ask is answered by the first reload');
      gates[1]?.([]);
      await Promise.all(asks);
      assert.equal(gates.length, 2);
    });

    it('keeps the previous view when a reload fails, and reports it', async () => {
      const key = await newKey();
      let failing = false;
      const flaky = open({ loadKeys: () => failing ? Promise.reject(new Error('database down')) : store.loadActive(new Date()) });
      await flaky.refresh('keys');
      failing = true;
      errors.length = 0;
      await flaky.refresh('keys');
      assert.deepEqual(errors, ['reload keys']);
      assert.ok(flaky.findKey(key));
      await assert.rejects(open({ loadUsers: () => Promise.reject(new Error('database down')) }).start(), /database down/);
    });

    it('writes last-use times in one batch, keeping the latest, retrying after a failure', async () => {
      const keys = [await newKey(), await newKey(), await newKey()];
      const ids = keys.map((key) => parseSecret(key, 'umb')?.id ?? '');
      const batches: ReadonlyMap<string, Date>[] = [];
      let fail = false;
      const recording = open({
        recordUse: async (used) => {
          if (fail) throw new Error('database down');
          batches.push(new Map(used));
          await store.recordUse(used);
        },
      });
      await recording.refresh('keys');
      const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute));
      keys.forEach((key, i) => assert.ok(recording.findKey(key, at(10 + i))));
      assert.ok(recording.findKey(keys[0] ?? '', at(5)));
      await recording.flush();
      await recording.flush();
      assert.equal(batches.length, 1);
      assert.deepEqual(batches[0], new Map(ids.map((id, i) => [id, at(10 + i)])));
      for (const [i, id] of ids.entries()) assert.deepEqual((await store.get(id))?.lastUsedAt, at(10 + i));

      fail = true;
      errors.length = 0;
      recording.findKey(keys[0] ?? '', at(20));
      await recording.flush();
      assert.deepEqual(errors, ['record key use']);
      fail = false;
      recording.findKey(keys[1] ?? '', at(21));
      await recording.stop();
      assert.deepEqual(batches[1], new Map([[ids[0], at(20)], [ids[1], at(21)]]));
      assert.deepEqual((await store.get(ids[0] ?? ''))?.lastUsedAt, at(20));
    });

    it('reloads everything on the resync interval and flushes on the flush interval', async () => {
      let loads = 0;
      let sessionLoads = 0;
      const used: number[] = [];
      const key = await newKey();
      const timed = open({
        loadKeys: async () => { loads++; return store.loadActive(new Date()); },
        loadRevokedSessions: async () => { sessionLoads++; return []; },
        recordUse: async (batch) => { used.push(batch.size); },
        resyncIntervalMs: 20, flushIntervalMs: 20,
      });
      try {
        await timed.start();
        assert.ok(timed.findKey(key));
        await waitFor(() => loads >= 3 && sessionLoads >= 3 && used.length === 1);
      } finally {
        await timed.stop();
      }
    });
  });
}

directorySuite('PGlite', '');

const { databaseUrl } = loadConfig().store;
directorySuite('PostgreSQL', databaseUrl,
  databaseUrl ? undefined : 'DATABASE_URL is not set: set it to a PostgreSQL server URL to run this suite there');
