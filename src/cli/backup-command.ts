import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import type { BackupManifest } from '../control/backup/backup-manifest.js';
import { restoreBackup } from '../control/backup/restore-backup.js';
import { writeBackup } from '../control/backup/write-backup.js';
import { LocalArtifactStore } from '../registry/local-artifact-store.js';
import { openDatabase } from '../store/open-database.js';
import type { BackupCommand } from './parse-backup-args.js';

/**
 * `umbral backup` and `umbral restore` (docs/operations/backups.md), on the store the configuration
 * names: the embedded database in the data directory (the server must be stopped: it holds the
 * directory) or the PostgreSQL server of DATABASE_URL, and the artifact store.
 */
export async function runBackupCommand(command: BackupCommand, print: (text: string) => number): Promise<number> {
  const config = loadConfig({ file: command.configFile });
  const artifacts = new LocalArtifactStore({ dir: config.store.artifactsDir || join(config.store.dataDir, 'artifacts') });
  const db = await openDatabase({
    dataDir: config.store.dataDir, databaseUrl: config.store.databaseUrl, schema: config.store.databaseSchema || undefined,
    // A restore applies the backup's migrations itself, then the later ones.
    ...(command.kind === 'restore' ? { migrations: [] } : {}),
  });
  try {
    if (command.kind === 'backup') {
      const { manifest } = await writeBackup({ db, artifacts }, command.out);
      for (const sha of manifest.missingArtifacts) print(`warning: artifact ${sha} is named by a version but missing from the artifact store; the backup lacks it too`);
      return print(`backup written to ${command.out}: ${describe(manifest)}`);
    }
    const manifest = await restoreBackup({ db, artifacts }, command.from, { force: command.force });
    const where = db.kind === 'pglite' ? `the embedded database in ${config.store.dataDir}` : 'the PostgreSQL server';
    return print(`restored ${command.from} (taken ${manifest.createdAt} from ${manifest.store}) into ${where}: ${describe(manifest)}`);
  } finally {
    await db.close();
  }
}

function describe(manifest: BackupManifest): string {
  const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  return `${manifest.tables.length} tables, ${rows} rows, ${manifest.artifacts.length} artifacts, schema at ${manifest.migrations.at(-1) ?? 'none'}`;
}
