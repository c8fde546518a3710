import type { Database, Queryable } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

/** Any constant: every umbral migrator contends for the same transaction-level advisory lock. */
export const MIGRATION_LOCK = 0x756d6272; // "umbr"

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS umbral_migrations (
  id text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies the migrations not yet recorded in `umbral_migrations`, in order, each in its own
 * transaction, and returns the ids it applied. Replicas starting at once against one server take
 * turns on an advisory lock held until each transaction ends, and re-check under it, so each
 * migration is applied exactly once (PGlite, one session, takes the same lock trivially).
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  const done = await db.transaction(async (tx) => {
    await lock(tx);
    return appliedIds(tx);
  });
  const applied: string[] = [];
  for (const migration of migrations.filter(({ id }) => !done.has(id))) {
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      if ((await appliedIds(tx)).has(migration.id)) return false; // another replica was first
      await tx.query(migration.sql);
      await tx.query('INSERT INTO umbral_migrations (id) VALUES ($1)', [migration.id]);
      return true;
    });
    if (ran) applied.push(migration.id);
  }
  return applied;
}

async function lock(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  // Under the lock: two first-time CREATE TABLE IF NOT EXISTS at once can still collide.
  await tx.query(CREATE_TABLE);
}

async function appliedIds(tx: Queryable): Promise<Set<string>> {
  const rows = await tx.query<{ id: string }>('SELECT id FROM umbral_migrations');
  return new Set(rows.map(({ id }) => id));
}
