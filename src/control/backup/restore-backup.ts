import { createReadStream } from 'node:fs';
import { Errors } from '../../errors/catalogue.js';
import type { ArtifactStore } from '../../registry/artifact-store.js';
import type { Database, Queryable } from '../../store/database.js';
import { migrate } from '../../store/migrate.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import type { Migration } from '../../store/migrations/migration.js';
import { loadRows, resetSequences, setUserTriggers, tablesWithRows } from '../../store/table-rows.js';
import { ident, MIGRATIONS_TABLE, umbralTables } from '../../store/umbral-tables.js';
import { UMBRAL_VERSION } from '../../version.js';
import { artifactFile, type BackupManifest } from './backup-manifest.js';
import { readBackup, tableLines } from './read-backup.js';

/** Rows per INSERT, and the most characters of JSON one INSERT carries. */
const BATCH_ROWS = 500;
const BATCH_CHARS = 4 * 1024 * 1024;

/** Where a restore writes: a database opened without migrations (`openDatabase({ migrations: [] })`) and the artifact store. */
export interface RestoreTarget {
  readonly db: Database;
  readonly artifacts: ArtifactStore;
}

/**
 * Restores a backup into the target, whatever store either was taken from or goes to:
 * 1. the backup is read and every file checked against its sha256 (nothing is touched before);
 * 2. a target holding rows is refused unless `force`, and a target whose schema is newer than the
 *    backup's is refused always (its rows would not fit the backup's tables);
 * 3. the migrations are applied up to the backup's, the artifacts copied in (each checked again on
 *    arrival), and the rows loaded in one transaction (user triggers off, so that the append-only
 *    tables accept them and no event is announced twice; sequences moved past the loaded ids);
 * 4. the later migrations are applied, so an older backup's rows go through them like any data.
 */
export async function restoreBackup(target: RestoreTarget, path: string, options: { force: boolean }): Promise<BackupManifest> {
  const manifest = await readBackup(path);
  const migrations = backupMigrations(manifest);
  const { db } = target;
  const existing = await umbralTables(db);
  const held = await tablesWithRows(db, existing);
  if (held.length > 0 && !options.force) throw Errors.restoreTargetNotEmpty(held);
  await checkTargetSchema(db, manifest);
  await migrate(db, migrations);
  const tables = await umbralTables(db);
  const unknown = manifest.tables.map(({ name }) => name).filter((name) => !tables.includes(name));
  if (unknown.length > 0) throw Errors.backupInvalid(path, `its migrations do not create the tables ${unknown.join(', ')}`);
  for (const { sha256 } of manifest.artifacts) await target.artifacts.put(createReadStream(artifactFile(path, sha256)), sha256);
  await db.transaction(async (tx) => {
    await setUserTriggers(tx, tables, false);
    if (options.force) await tx.query(`TRUNCATE ${tables.map(ident).join(', ')} RESTART IDENTITY CASCADE`);
    for (const { name } of manifest.tables) await loadTable(tx, path, name);
    await resetSequences(tx, tables);
    await setUserTriggers(tx, tables, true);
  });
  await migrate(db);
  return manifest;
}

/** The backup's migrations, which must be the first of this umbral's, in order. */
function backupMigrations(manifest: BackupManifest): readonly Migration[] {
  const known = MIGRATIONS.map(({ id }) => id);
  const unknown = manifest.migrations.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw Errors.backupSchemaNewer('the backup comes from a newer umbral', `umbral ${manifest.umbralVersion}; migrations ${unknown.join(', ')} are unknown to umbral ${UMBRAL_VERSION}`);
  }
  const prefix = MIGRATIONS.slice(0, manifest.migrations.length);
  if (prefix.some(({ id }, i) => id !== manifest.migrations[i])) {
    throw Errors.backupSchemaNewer('the backup\'s migrations are not in this umbral\'s order', manifest.migrations.join(', '));
  }
  return prefix;
}

async function checkTargetSchema(db: Database, manifest: BackupManifest): Promise<void> {
  const present = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [MIGRATIONS_TABLE]);
  if (!present[0]?.present) return;
  const applied = (await db.query<{ id: string }>(`SELECT id FROM ${MIGRATIONS_TABLE} ORDER BY id`)).map(({ id }) => id);
  const newer = applied.filter((id) => !manifest.migrations.includes(id));
  if (newer.length > 0) {
    throw Errors.backupSchemaNewer('the target database is at a newer schema than the backup',
      `it has ${newer.join(', ')}; restore into a database umbral has never opened (an empty schema or data directory)`);
  }
}

async function loadTable(tx: Queryable, path: string, table: string): Promise<void> {
  let batch: string[] = [];
  let chars = 0;
  for await (const line of tableLines(path, table)) {
    if (line === '') continue;
    batch.push(line);
    chars += line.length;
    if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) {
      await loadRows(tx, table, batch);
      batch = [];
      chars = 0;
    }
  }
  await loadRows(tx, table, batch);
}
