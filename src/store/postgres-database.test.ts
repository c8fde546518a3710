import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/load-config.js';
import { databaseContract } from '../../test/support/store/database-contract.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openDatabase } from './open-database.js';
import { openPostgresDatabase } from './postgres-database.js';

const { databaseUrl } = loadConfig().store;
// Every run gets its own schema, so parallel runs and other suites on the same server never meet.
const schema = `umbral_test_${randomBytes(6).toString('hex')}`;
const errors: Error[] = [];
const open = () => openDatabase({ dataDir: '', databaseUrl, schema, onError: (error) => errors.push(error) });

/** Runs `sql` on a connection of its own, outside the schema under test. */
async function admin<Row extends object>(sql: string, params?: unknown[]): Promise<Row[]> {
  const db = await openPostgresDatabase({ url: databaseUrl });
  try {
    return await db.query<Row>(sql, params);
  } finally {
    await db.close();
  }
}

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe('postgres', { skip: databaseUrl === '' ? 'DATABASE_URL is not set: PostgreSQL tests skipped' : false }, () => {
  after(() => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  databaseContract('postgres', open);

  describe('PostgreSQL specifics', () => {
    let db: Database;
    after(() => db?.close());

    it('applies a migration once when two replicas migrate at the same time', async () => {
      db = await open();
      const other = await open();
      try {
        const race = [{ id: '9999-race', sql: 'CREATE TABLE raced (id int)' }];
        const results = await Promise.all([migrate(db, race), migrate(other, race)]);
        assert.deepEqual(results.flat(), ['9999-race']);
      } finally {
        await other.close();
      }
    });

    it('re-listens on every channel after the LISTEN connection is killed', async () => {
      const heard: string[] = [];
      await db.listen('specifics_a', (payload) => heard.push(`a:${payload}`));
      await db.listen('specifics_b', (payload) => heard.push(`b:${payload}`));
      const [listener] = await admin<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN "specifics_b"' AND backend_type = 'client backend'
         AND pid IN (SELECT pid FROM pg_stat_activity WHERE application_name = 'umbral')`);
      assert.ok(listener, 'the LISTEN connection is visible');
      const errorsBefore = errors.length;
      await admin('SELECT pg_terminate_backend($1)', [listener.pid]);
      await until(() => errors.length > errorsBefore, 'the lost connection is reported');
      await until(async () => {
        await db.notify('specifics_a', 'again');
        await db.notify('specifics_b', 'again');
        return heard.includes('a:again') && heard.includes('b:again');
      }, 'both channels deliver again');
    });

    it('survives an idle pooled connection being killed, and reports it', async () => {
      const [idle] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      assert.ok(idle);
      const errorsBefore = errors.length;
      await admin('SELECT pg_terminate_backend($1)', [idle.pid]);
      await until(() => errors.length > errorsBefore, 'the pool reports the dropped connection');
      assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    });

    it('fails a transaction whose connection dies with UMBRAL_ERR_STORE_UNAVAILABLE', async () => {
      await assert.rejects(db.transaction((tx) => tx.query('SELECT pg_terminate_backend(pg_backend_pid())')),
        { code: 'UMBRAL_ERR_STORE_UNAVAILABLE' });
      assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    });
  });

  it('cuts a statement past its timeout with UMBRAL_ERR_STORE_UNAVAILABLE, and the connection serves the next one', async () => {
    const db = await openPostgresDatabase({ url: databaseUrl, statementTimeoutMs: 200 });
    try {
      await assert.rejects(db.query('SELECT pg_sleep(5)'), { code: 'UMBRAL_ERR_STORE_UNAVAILABLE', message: /57014/ });
      await assert.rejects(db.transaction((tx) => tx.query('SELECT pg_sleep(5)')), { code: 'UMBRAL_ERR_STORE_UNAVAILABLE' });
      assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});

describe('postgres, unreachable', () => {
  it('fails to open with UMBRAL_ERR_STORE_UNAVAILABLE when nothing listens', async () => {
    await assert.rejects(openDatabase({ dataDir: '', databaseUrl: 'postgres://umbral@127.0.0.1:1/none' }),
      { code: 'UMBRAL_ERR_STORE_UNAVAILABLE', message: /ECONNREFUSED/ });
  });

  it('refuses a schema name it would have to quote', async () => {
    await assert.rejects(openDatabase({ dataDir: '', databaseUrl: 'postgres://umbral@127.0.0.1:1/none', schema: 'a"b' }),
      { code: 'UMBRAL_ERR_CONFIG_INVALID' });
  });
});
