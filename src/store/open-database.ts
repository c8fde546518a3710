import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';
import { openPgliteDatabase } from './pglite-database.js';

/** Where the database is; `config.store` supplies the first two. */
export interface OpenDatabaseOptions {
  /** The data directory; the embedded database lives in `<dataDir>/pgdata` (PGlite only). */
  readonly dataDir: string;
  /** PostgreSQL server URL; empty selects the embedded PGlite. */
  readonly databaseUrl: string;
  /**
   * PostgreSQL only: keep every table in this schema (created if missing) instead of the server's
   * default, for tests that must not collide with each other and for several deployments sharing
   * one database.
   */
  readonly schema?: string;
  /** PostgreSQL only: failures outside any call (dropped idle connections, LISTEN reconnects). */
  readonly onError?: (error: Error) => void;
  /** PostgreSQL only: longest one statement may run, then UMBRAL_ERR_STORE_UNAVAILABLE (default 10 s; 0 = none). */
  readonly statementTimeoutMs?: number;
  /** The migrations to apply (default: all); `umbral restore` applies a backup's own first, then the rest. */
  readonly migrations?: readonly Migration[];
  /** Called with the ids of the migrations this open applied (none when the schema was current). */
  readonly onMigrated?: (applied: readonly string[]) => void;
}

/**
 * Opens the store: embedded PGlite in the data directory when no URL is set, else a PostgreSQL
 * server; then applies pending migrations. Fails with UMBRAL_ERR_STORE_LOCKED when another process
 * has the data directory, UMBRAL_ERR_STORE_UNAVAILABLE when the server cannot be reached.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  // pg is loaded only when a server is configured: an embedded start need not pay for it.
  const db = options.databaseUrl === ''
    ? await openPgliteDatabase(options.dataDir)
    : await (await import('./postgres-database.js')).openPostgresDatabase({
      url: options.databaseUrl, schema: options.schema, onError: options.onError, statementTimeoutMs: options.statementTimeoutMs,
    });
  try {
    const applied = await migrate(db, options.migrations ?? MIGRATIONS);
    options.onMigrated?.(applied);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
