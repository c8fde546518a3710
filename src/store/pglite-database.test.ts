import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { databaseContract } from '../../test/support/store/database-contract.js';
import { openDatabase } from './open-database.js';
import { testTempDir } from '../../test/helpers/temp-dir.js';

// One directory for the file: creating a database costs seconds, reopening it a fraction.
const dataDir = testTempDir('umbral-pglite-');
after(() => rmSync(dataDir, { recursive: true, force: true }));
const open = () => openDatabase({ dataDir, databaseUrl: '' });

databaseContract('pglite', open);

/** Opens `dataDir` from a child process; prints the error code, or `opened`. */
async function openInChild(): Promise<string> {
  const module = new URL('./open-database.js', import.meta.url).href;
  const script = `import { openDatabase } from ${JSON.stringify(module)};
    try { const db = await openDatabase({ dataDir: process.argv[1], databaseUrl: '' }); console.log('opened'); await db.close(); }
    catch (e) { console.log(e.code); }`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, dataDir]);
  return stdout.trim();
}

describe('embedded database (PGlite)', () => {
  it('keeps its data in <dataDir>/pgdata across reopening', async () => {
    const db = await open();
    await db.query('CREATE TABLE IF NOT EXISTS kept (id int)');
    await db.query('INSERT INTO kept VALUES ($1)', [42]);
    await db.close();
    assert.ok(existsSync(join(dataDir, 'pgdata', 'PG_VERSION')));
    const reopened = await open();
    assert.deepEqual(await reopened.query('SELECT id FROM kept'), [{ id: 42 }]);
    await reopened.close();
  });

  it('locks the data directory against a second open, here and in another process', async () => {
    const db = await open();
    try {
      await assert.rejects(open(), { code: 'UMBRAL_ERR_STORE_LOCKED' });
      assert.equal(await openInChild(), 'UMBRAL_ERR_STORE_LOCKED');
    } finally {
      await db.close();
    }
    assert.equal(await openInChild(), 'opened');
    const again = await open();
    await again.close();
  });

  it('starts with small shared buffers and bigint as text', async () => {
    const db = await open();
    try {
      assert.deepEqual(await db.query('SHOW shared_buffers'), [{ shared_buffers: '16MB' }]);
      assert.deepEqual(await db.query('SELECT 1::int8 AS one'), [{ one: '1' }]);
    } finally {
      await db.close();
    }
  });
});
