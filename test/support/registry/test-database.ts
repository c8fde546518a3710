import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../../src/store/database.js';
import { openDatabase } from '../../../src/store/open-database.js';

/** A migrated database for one test run, and how to throw it away. */
export interface TestDatabase {
  /** The database, with every migration applied. */
  readonly db: Database;
  /** Closes it and removes what the run created (the data directory, or the schema on a server). */
  dispose(): Promise<void>;
}

/**
 * Opens a throwaway database: embedded PGlite in a fresh directory when `databaseUrl` is empty,
 * else a fresh schema on that server, so that runs never see each other's rows.
 */
export async function openTestDatabase(databaseUrl = ''): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'umbral-registry-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (databaseUrl === '') {
    const db = await openDatabase({ dataDir, databaseUrl });
    return { db, dispose: async () => { await db.close(); await removeDir(); } };
  }
  const schema = `umbral_test_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ dataDir, databaseUrl, schema });
  return {
    db,
    dispose: async () => {
      try {
        await db.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await db.close();
        await removeDir();
      }
    },
  };
}
