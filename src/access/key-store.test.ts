import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';
import { Errors } from '../errors/catalogue.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/registry/test-database.js';
import type { Database, Queryable } from '../store/database.js';
import { openDatabase } from '../store/open-database.js';
import { ACCESS_CHANNEL } from './access-channel.js';
import { KeyStore, type NewApiKey } from './key-store.js';
import { parseSecret, sha256Hex } from './opaque-secret.js';
import { PERMISSIONS } from './permissions.js';

const HOUR = 3_600_000;
const CONFIGURED = 'a-configured-admin-key-of-40-characters!';

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

async function counts(q: Queryable): Promise<{ keys: number; users: number; events: number }> {
  const [row] = await q.query<{ keys: string; users: string; events: string }>(
    `SELECT (SELECT count(*) FROM umbral_api_keys) AS keys, (SELECT count(*) FROM umbral_users) AS users,
       (SELECT count(*) FROM umbral_auth_events) AS events`);
  return { keys: Number(row?.keys), users: Number(row?.users), events: Number(row?.events) };
}

async function waitFor(check: () => boolean, ms = 1000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A second connection pool on the same schema, as another replica would have. */
async function secondConnection(db: Database, databaseUrl: string): Promise<Database> {
  const [row] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
  return openDatabase({ dataDir: tmpdir(), databaseUrl, schema: row?.schema });
}

function keyStoreSuite(name: string, databaseUrl: string, skip?: string): void {
  describe(`KeyStore on ${name}`, skip ? { skip } : {}, () => {
    let t: TestDatabase;
    let store: KeyStore;
    before(async () => {
      t = await openTestDatabase(databaseUrl);
      store = new KeyStore(t.db);
    });
    after(async () => t?.dispose());

    it('creates a key, stores only the hash of its secret, and records who did it', async () => {
      const expiresAt = new Date(Date.now() + HOUR);
      const input: NewApiKey = {
        name: 'ci pipeline', scopes: ['admin:read', 'infer', 'infer'], models: ['iris', 'spam'],
        limits: { requestsPerSecond: 5, concurrent: 2 }, expiresAt,
      };
      const { record, key } = await store.create(input, 'user:alice', '10.0.0.7');
      const parsed = parseSecret(key, 'umb');
      assert.ok(parsed, `key has the umb_<id>_<secret> form: ${key}`);
      assert.equal(record.id, parsed.id);
      assert.deepEqual(record.scopes, ['infer', 'admin:read']);
      assert.deepEqual([record.models, record.limits, record.expiresAt], [['iris', 'spam'], { requestsPerSecond: 5, concurrent: 2 }, expiresAt]);
      assert.deepEqual([record.createdBy, record.revokedAt, record.revokedBy, record.lastUsedAt], ['user:alice', null, null, null]);
      assert.ok(Math.abs(record.createdAt.getTime() - Date.now()) < 60_000);

      const [row] = await t.db.query<{ text: string; secret_sha256: string }>(
        'SELECT row_to_json(k)::text AS text, secret_sha256 FROM umbral_api_keys k WHERE id = $1', [record.id]);
      assert.equal(row?.secret_sha256, sha256Hex(parsed.secret));
      assert.ok(!row.text.includes(parsed.secret) && !row.text.includes(key), 'the secret is not in the row');
      const [trail] = await t.db.query<{ text: string }>("SELECT string_agg(row_to_json(e)::text, '') AS text FROM umbral_auth_events e");
      assert.ok(!trail?.text.includes(parsed.secret), 'the secret is not in the trail');

      assert.deepEqual(await events(t.db, record.id), [{
        actor: 'user:alice', action: 'key.create', subject: record.id, address: '10.0.0.7',
        detail: { name: 'ci pipeline', scopes: ['infer', 'admin:read'], models: ['iris', 'spam'], limits: { requestsPerSecond: 5, concurrent: 2 }, expiresAt: expiresAt.toISOString() },
      }]);
      assert.deepEqual(await store.get(record.id), record);
    });

    it('gets and lists keys, newest first', async () => {
      const first = (await store.create({ name: 'first', scopes: ['infer'] }, 'user:alice')).record;
      const second = (await store.create({ name: 'second', scopes: ['infer'] }, 'user:alice')).record;
      assert.deepEqual([first.models, first.limits, first.expiresAt], [null, null, null]);
      const ids = (await store.list()).map((k) => k.id);
      assert.ok(ids.indexOf(second.id) < ids.indexOf(first.id) && ids.indexOf(second.id) >= 0, ids.join());
      assert.equal(await store.get('no-such-key'), undefined);
    });

    it('notifies the access channel on create and revoke', async () => {
      const payloads: string[] = [];
      const unlisten = await t.db.listen(ACCESS_CHANNEL, (payload) => payloads.push(payload));
      try {
        const { record } = await store.create({ name: 'notified', scopes: ['infer'] }, 'user:alice');
        await waitFor(() => payloads.length === 1);
        await store.revoke(record.id, 'user:alice');
        await waitFor(() => payloads.length === 2);
        assert.deepEqual(payloads, ['keys', 'keys']);
      } finally {
        await unlisten();
      }
    });

    it('revokes once: a second revoke changes nothing and records nothing', async () => {
      const { record } = await store.create({ name: 'to revoke', scopes: ['infer'] }, 'user:alice');
      const revoked = await store.revoke(record.id, 'user:bob', '10.0.0.8');
      assert.equal(revoked.revokedBy, 'user:bob');
      assert.ok(revoked.revokedAt instanceof Date);
      const again = await store.revoke(record.id, 'user:carol');
      assert.deepEqual(again, revoked);
      assert.deepEqual(await store.get(record.id), revoked);
      assert.deepEqual((await events(t.db, record.id)).map((e) => [e.action, e.actor, e.address]),
        [['key.create', 'user:alice', null], ['key.revoke', 'user:bob', '10.0.0.8']]);
      await assert.rejects(store.revoke('no-such-key', 'user:bob'), { code: Errors.keyNotFound.code });
    });

    it('refuses invalid keys and leaves the tables as they were', async () => {
      const ok: NewApiKey = { name: 'ok', scopes: ['infer'] };
      const bad: [string, NewApiKey, string][] = [
        ['empty name', { ...ok, name: '' }, Errors.invalidRequest.code],
        ['blank name', { ...ok, name: '   ' }, Errors.invalidRequest.code],
        ['long name', { ...ok, name: 'x'.repeat(101) }, Errors.invalidRequest.code],
        ['control character', { ...ok, name: 'a\nb' }, Errors.invalidRequest.code],
        ['no scopes', { ...ok, scopes: [] }, Errors.invalidRequest.code],
        ['unknown scope', { ...ok, scopes: ['infer', 'root' as never] }, Errors.invalidRequest.code],
        ['bad model name', { ...ok, models: ['iris', '../etc'] }, Errors.invalidName.code],
        ['empty model list', { ...ok, models: [] }, Errors.invalidRequest.code],
        ['zero limit', { ...ok, limits: { requestsPerSecond: 0 } }, Errors.invalidRequest.code],
        ['fractional limit', { ...ok, limits: { concurrent: 1.5 } }, Errors.invalidRequest.code],
        ['unknown limit', { ...ok, limits: { burst: 3 } as never }, Errors.invalidRequest.code],
        ['past expiry', { ...ok, expiresAt: new Date(Date.now() - 1000) }, Errors.invalidRequest.code],
        ['invalid expiry', { ...ok, expiresAt: new Date('nonsense') }, Errors.invalidRequest.code],
      ];
      const before = await counts(t.db);
      for (const [what, input, code] of bad) {
        await assert.rejects(store.create(input, 'user:alice'), { code }, what);
      }
      assert.deepEqual(await counts(t.db), before);
    });

    it('loads active keys with their hashes: not revoked, not expired', async () => {
      const lasting = await store.create({ name: 'lasting', scopes: ['infer'] }, 'user:alice');
      const expiring = await store.create({ name: 'expiring', scopes: ['infer'], expiresAt: new Date(Date.now() + HOUR) }, 'user:alice');
      const revoked = await store.create({ name: 'revoked', scopes: ['infer'] }, 'user:alice');
      await store.revoke(revoked.record.id, 'user:alice');
      const now = await store.loadActive(new Date());
      const found = now.find((k) => k.id === lasting.record.id);
      assert.deepEqual(found, {
        id: lasting.record.id, name: 'lasting', scopes: ['infer'], models: null, limits: null, expiresAt: null,
        secretSha256: sha256Hex(parseSecret(lasting.key, 'umb')?.secret ?? ''),
      });
      assert.ok(now.some((k) => k.id === expiring.record.id));
      assert.ok(!now.some((k) => k.id === revoked.record.id));
      const later = await store.loadActive(new Date(Date.now() + 2 * HOUR));
      assert.ok(later.some((k) => k.id === lasting.record.id) && !later.some((k) => k.id === expiring.record.id));
    });

    it('records last use of many keys in one statement, never moving it backwards', async () => {
      const a = (await store.create({ name: 'a', scopes: ['infer'] }, 'user:alice')).record.id;
      const b = (await store.create({ name: 'b', scopes: ['infer'] }, 'user:alice')).record.id;
      const statements: string[] = [];
      const counting = new KeyStore({
        kind: t.db.kind, close: () => t.db.close(), transaction: (work) => t.db.transaction(work),
        listen: (channel, handler) => t.db.listen(channel, handler), notify: (channel, payload, tx) => t.db.notify(channel, payload, tx),
        query: (sql, params) => { statements.push(sql); return t.db.query(sql, params); },
      });
      const t1 = new Date('2030-01-01T00:00:00.123Z');
      const t2 = new Date('2030-01-02T00:00:00.456Z');
      await counting.recordUse(new Map([[a, t2], [b, t1], ['no-such-key', t2]]));
      assert.equal(statements.length, 1);
      await counting.recordUse(new Map([[a, t1], [b, t2]]));
      await counting.recordUse(new Map());
      assert.equal(statements.length, 2);
      assert.deepEqual([(await store.get(a))?.lastUsedAt, (await store.get(b))?.lastUsedAt], [t2, t2]);
    });

    describe('bootstrap', () => {
      const empty = async () => {
        await t.db.query('DELETE FROM umbral_api_keys');
        const { keys, users } = await counts(t.db);
        assert.deepEqual([keys, users], [0, 0]);
      };

      const bootstrapEvents = () => t.db.query("SELECT id FROM umbral_auth_events WHERE action = 'bootstrap'");

      it('generates the first admin key once, on an empty database', async () => {
        await empty();
        const result = await store.bootstrap({ adminKey: '' });
        assert.equal(result.outcome, 'created');
        const text = result.outcome === 'created' ? result.generatedKey ?? '' : '';
        const parsed = parseSecret(text, 'umb');
        assert.ok(parsed, 'a generated key is returned');
        const record = await store.get(parsed.id);
        assert.deepEqual([record?.name, record?.createdBy, record?.scopes], ['bootstrap admin', 'bootstrap', [...PERMISSIONS]]);
        const [active] = (await store.loadActive(new Date())).filter((k) => k.id === parsed.id);
        assert.equal(active?.secretSha256, sha256Hex(parsed.secret));
        assert.deepEqual(await store.bootstrap({ adminKey: '' }), { outcome: 'exists' });
        assert.deepEqual(await store.bootstrap({ adminKey: CONFIGURED }), { outcome: 'exists' });
        assert.deepEqual(await events(t.db, parsed.id), [{
          actor: 'bootstrap', action: 'bootstrap', subject: parsed.id, address: null,
          detail: { name: 'bootstrap admin', scopes: [...PERMISSIONS], source: 'generated' },
        }]);
      });

      it('stores a configured admin key under the id bootstrap, hashed whole', async () => {
        await empty();
        assert.deepEqual(await store.bootstrap({ adminKey: CONFIGURED }), { outcome: 'created' });
        const [row] = await t.db.query<{ text: string; secret_sha256: string }>(
          "SELECT row_to_json(k)::text AS text, secret_sha256 FROM umbral_api_keys k WHERE id = 'bootstrap'");
        assert.equal(row?.secret_sha256, sha256Hex(CONFIGURED));
        assert.ok(!row.text.includes(CONFIGURED));
        assert.equal((await counts(t.db)).keys, 1);
        assert.deepEqual(await store.bootstrap({ adminKey: CONFIGURED }), { outcome: 'exists' });
      });

      it('refuses a configured key that is short or has spaces, even when one exists', async () => {
        for (const adminKey of ['short', `${'x'.repeat(40)} y`, 'x'.repeat(1025)]) {
          await assert.rejects(store.bootstrap({ adminKey }), { code: Errors.configInvalid.code });
        }
        await empty();
        await assert.rejects(store.bootstrap({ adminKey: 'x'.repeat(31) }), { code: Errors.configInvalid.code });
        assert.equal((await counts(t.db)).keys, 0);
      });

      it('does nothing when a user exists', async () => {
        await empty();
        await t.db.query("INSERT INTO umbral_users (username, password_hash, role, created_by) VALUES ('root', 'x', 'admin', 'test')");
        try {
          assert.deepEqual(await store.bootstrap({ adminKey: '' }), { outcome: 'exists' });
          assert.equal((await counts(t.db)).keys, 0);
        } finally {
          await t.db.query('DELETE FROM umbral_users');
        }
      });

      it('creates one key when replicas bootstrap at once', async () => {
        const other = databaseUrl === '' ? t.db : await secondConnection(t.db, databaseUrl);
        try {
          const stores = [store, new KeyStore(other), store, new KeyStore(other)];
          for (let round = 0; round < 5; round++) {
            await empty();
            const bootstraps = (await bootstrapEvents()).length;
            const results = await Promise.all(stores.map((s) => s.bootstrap({ adminKey: round % 2 === 0 ? '' : CONFIGURED })));
            assert.deepEqual(results.map((r) => r.outcome).sort(), ['created', 'exists', 'exists', 'exists'], `round ${round}`);
            assert.equal((await counts(t.db)).keys, 1, `round ${round}`);
            assert.equal((await bootstrapEvents()).length, bootstraps + 1, `round ${round}`);
          }
        } finally {
          if (other !== t.db) await other.close();
        }
      });
    });
  });
}

keyStoreSuite('PGlite', '');

const { databaseUrl } = loadConfig().store;
keyStoreSuite('PostgreSQL', databaseUrl,
  databaseUrl ? undefined : 'DATABASE_URL is not set: set it to a PostgreSQL server URL to run this suite there');
