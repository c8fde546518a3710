import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { copyFile, link, lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Errors } from '../../errors/catalogue.js';
import type { ArtifactStore } from '../../registry/artifact-store.js';
import type { Database, Queryable } from '../../store/database.js';
import { dumpRows } from '../../store/table-rows.js';
import { MIGRATIONS_TABLE, umbralTables } from '../../store/umbral-tables.js';
import { UMBRAL_VERSION } from '../../version.js';
import { artifactFile, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MANIFEST_FILE, tableFile, type BackupManifest } from './backup-manifest.js';

/** What a backup reads: the database and the artifact store. */
export interface BackupSource {
  readonly db: Database;
  readonly artifacts: ArtifactStore;
}

/** What `writeBackup` wrote. */
export interface BackupSummary {
  readonly path: string;
  readonly manifest: BackupManifest;
}

/**
 * Writes a backup of the database and the artifacts to the directory `path`, which must not exist.
 * Every table is read in one REPEATABLE READ transaction (one consistent snapshot while replicas
 * keep writing); artifacts are copied after it, which is safe because they are only ever added.
 * The backup is assembled beside `path` and renamed into place only when complete; its directory is
 * readable by its owner alone (it holds password and key hashes and encrypted channel secrets).
 */
export async function writeBackup(source: BackupSource, path: string): Promise<BackupSummary> {
  if (await exists(path)) throw Errors.backupExists(path);
  const temp = `${path}.partial-${randomUUID().slice(0, 8)}`;
  try {
    await mkdir(join(temp, 'tables'), { recursive: true, mode: 0o700 });
    await mkdir(join(temp, 'artifacts'), { mode: 0o700 });
    const snapshot = await source.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return readSnapshot(tx, temp);
    });
    const artifacts: Array<{ sha256: string; size: number }> = [];
    const missingArtifacts: string[] = [];
    for (const sha of snapshot.artifacts) {
      if (!(await source.artifacts.has(sha))) missingArtifacts.push(sha);
      else artifacts.push({ sha256: sha, size: await copyArtifact(source.artifacts.path(sha), artifactFile(temp, sha)) });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, createdAt: new Date().toISOString(), umbralVersion: UMBRAL_VERSION,
      store: source.db.kind, migrations: snapshot.migrations, tables: snapshot.tables, artifacts, missingArtifacts,
    };
    await writeFile(join(temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    if (await exists(path)) throw Errors.backupExists(path);
    await rename(temp, path);
    return { path, manifest };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function readSnapshot(tx: Queryable, dir: string) {
  const migrations = (await tx.query<{ id: string }>(`SELECT id FROM ${MIGRATIONS_TABLE} ORDER BY id`)).map(({ id }) => id);
  const tables: BackupManifest['tables'] = [];
  for (const name of await umbralTables(tx)) {
    const file = lineFile(tableFile(dir, name));
    const rows = await dumpRows(tx, name, file.write);
    tables.push({ name, rows, sha256: await file.close() });
  }
  const artifacts = (await tx.query<{ sha: string }>('SELECT DISTINCT artifact_sha256 AS sha FROM umbral_versions ORDER BY 1')).map(({ sha }) => sha);
  return { migrations, tables, artifacts };
}

/** A file written one line at a time (owner-only), hashed on the way. */
function lineFile(path: string) {
  const hash = createHash('sha256');
  const out = createWriteStream(path, { mode: 0o600, flags: 'wx' });
  return {
    async write(line: string): Promise<void> {
      const text = `${line}\n`;
      hash.update(text);
      if (!out.write(text)) await once(out, 'drain');
    },
    async close(): Promise<string> {
      out.end();
      await once(out, 'finish');
      return hash.digest('hex');
    },
  };
}

/**
 * A hard link where the backup is on the artifact store's file system (a stored artifact never
 * changes, and the link keeps it even if the store's copy goes), else a copy. Returns the size.
 */
async function copyArtifact(from: string, to: string): Promise<number> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
  return (await stat(to)).size;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}
