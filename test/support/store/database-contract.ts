import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../../src/store/database.js';
import { payloadCollector } from '../../../src/store/payload-collector.js';
import { migrate } from '../../../src/store/migrate.js';
import { MIGRATIONS } from '../../../src/store/migrations/index.js';

/**
 * What every Database must do, run against PGlite and PostgreSQL alike. `open` returns a new,
 * migrated instance on an isolated database; the suite closes what it opens. Value mapping both
 * drivers agree on (and callers rely on): int2/int4/float → number; int8 and numeric → string
 * (exact); jsonb → parsed value (send objects, or JSON text for arrays and scalars: node-postgres
 * would send a JS array as a PostgreSQL array); timestamptz → Date; bool → boolean; int[] → array.
 */
export function databaseContract(name: string, open: () => Promise<Database>): void {
  describe(`Database contract: ${name}`, () => {
    let db: Database;
    before(async () => {
      db = await open();
      await db.query(`DROP TABLE IF EXISTS contract_values, contract_counter;
        CREATE TABLE contract_values (id int PRIMARY KEY, label text, doc jsonb, at timestamptz, big bigint, ok bool);
        CREATE TABLE contract_counter (id int PRIMARY KEY, n int NOT NULL);
        INSERT INTO contract_counter VALUES (1, 0)`);
    });
    after(() => db.close());

    it('round-trips parameters and types', async () => {
      const at = new Date('2024-05-06T07:08:09.123Z');
      await db.query('INSERT INTO contract_values VALUES ($1, $2, $3, $4, $5, $6)',
        [1, 'héllo', { a: [1, 'x'], b: null }, at, '9007199254740993', true]);
      await db.query('INSERT INTO contract_values (id, doc) VALUES ($1, $2)', [2, JSON.stringify([1, 2])]);
      const rows = await db.query('SELECT * FROM contract_values ORDER BY id');
      assert.deepEqual(rows, [
        { id: 1, label: 'héllo', doc: { a: [1, 'x'], b: null }, at, big: '9007199254740993', ok: true },
        { id: 2, label: null, doc: [1, 2], at: null, big: null, ok: null },
      ]);
      const [aggregates] = await db.query('SELECT (SELECT count(*) FROM contract_values) AS count, 1.5::numeric AS exact, $1::int[] AS list', [[3, 4]]);
      assert.deepEqual(aggregates, { count: '2', exact: '1.5', list: [3, 4] });
    });

    it('runs several statements when given no parameters, returning the last rows', async () => {
      const rows = await db.query('CREATE TEMP TABLE contract_multi (x int); INSERT INTO contract_multi VALUES (7); SELECT x FROM contract_multi');
      assert.deepEqual(rows, [{ x: 7 }]);
    });

    it('rejects a failing statement with its SQLSTATE', async () => {
      await assert.rejects(db.query('INSERT INTO contract_counter VALUES ($1, $2)', [1, 0]), { code: '23505' });
      await assert.rejects(db.query('SELEC 1'), { code: '42601' });
    });

    it('commits a transaction and returns what the work returned', async () => {
      const value = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_values (id, label) VALUES ($1, $2)', [10, 'kept']);
        return 'done';
      });
      assert.equal(value, 'done');
      assert.deepEqual(await db.query('SELECT label FROM contract_values WHERE id = 10'), [{ label: 'kept' }]);
    });

    it('rolls back a transaction whose work throws, rethrowing the same error', async () => {
      const failure = new Error('work failed');
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_values (id) VALUES ($1)', [11]);
        throw failure;
      }), (error) => error === failure);
      assert.deepEqual(await db.query('SELECT id FROM contract_values WHERE id = 11'), []);
    });

    it('keeps a query made outside a transaction out of its rollback', async () => {
      let outside: Promise<unknown> | undefined;
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_values (id) VALUES ($1)', [12]);
        outside = db.query('INSERT INTO contract_values (id) VALUES ($1)', [13]);
        await sleep(20);
        throw new Error('roll back');
      }), /roll back/);
      await outside;
      assert.deepEqual(await db.query('SELECT id FROM contract_values WHERE id IN (12, 13)'), [{ id: 13 }]);
    });

    it('isolates concurrent read-modify-write transactions (20 increments give 20)', async () => {
      await Promise.all(Array.from({ length: 20 }, () => db.transaction(async (tx) => {
        const [row] = await tx.query<{ n: number }>('SELECT n FROM contract_counter WHERE id = 1 FOR UPDATE');
        await sleep(1); // widen the window a broken implementation would lose updates in
        await tx.query('UPDATE contract_counter SET n = $1 WHERE id = 1', [(row?.n ?? 0) + 1]);
      })));
      assert.deepEqual(await db.query('SELECT n FROM contract_counter'), [{ n: 20 }]);
    });

    it('delivers notifications to listeners until they stop listening', async () => {
      const received = payloadCollector();
      const stop = await db.listen('contract_one', received.push);
      await db.notify('contract_one', 'first');
      assert.deepEqual(await received.next(1), ['first']);
      await stop();
      await db.notify('contract_one', 'unheard');
      const again = payloadCollector();
      const stopAgain = await db.listen('contract_one', again.push);
      await db.notify('contract_one', 'second');
      assert.deepEqual(await again.next(1), ['second']);
      assert.deepEqual(received.items, ['first']);
      await stopAgain();
    });

    it('delivers a notification sent in a transaction on commit, never on rollback', async () => {
      const received = payloadCollector();
      const stop = await db.listen('contract_tx', received.push);
      await assert.rejects(db.transaction(async (tx) => {
        await db.notify('contract_tx', 'rolled back', tx);
        throw new Error('roll back');
      }));
      await db.transaction((tx) => db.notify('contract_tx', 'committed', tx));
      assert.deepEqual(await received.next(1), ['committed']);
      await stop();
    });

    it('delivers notifications from another instance on the same database', async (t) => {
      if (db.kind === 'pglite') return t.skip('PGlite is one process: a second instance cannot open the directory');
      const other = await open();
      try {
        const received = payloadCollector();
        await db.listen('contract_across', received.push);
        await other.notify('contract_across', 'from afar');
        assert.deepEqual(await received.next(1), ['from afar']);
      } finally {
        await other.close();
      }
    });

    it('refuses channel names that the drivers would spell differently', async () => {
      await assert.rejects(db.listen('Mixed-Case', () => undefined), /not a valid notification channel/);
      await assert.rejects(db.notify('a;b', 'x'), /not a valid notification channel/);
    });

    it('migrates idempotently', async () => {
      assert.deepEqual(await migrate(db), [], 'open() already applied every migration');
      const ids = await db.query<{ id: string }>('SELECT id FROM umbral_migrations ORDER BY id');
      assert.deepEqual(ids.map(({ id }) => id), MIGRATIONS.map(({ id }) => id).sort());
      const extra = [{ id: '9999-contract', sql: 'CREATE TABLE contract_migrated (id int); CREATE INDEX ON contract_migrated (id)' }];
      assert.deepEqual(await migrate(db, extra), ['9999-contract']);
      assert.deepEqual(await migrate(db, extra), []);
    });

    it('closes, after which calls fail with UMBRAL_ERR_STORE_UNAVAILABLE', async () => {
      await db.close();
      await db.close();
      await assert.rejects(db.query('SELECT 1'), { code: 'UMBRAL_ERR_STORE_UNAVAILABLE' });
      await assert.rejects(db.transaction(async () => undefined), { code: 'UMBRAL_ERR_STORE_UNAVAILABLE' });
    });
  });
}
