import { join } from 'node:path';
import { z } from 'zod';

/**
 * A backup is a directory (docs/operations/backups.md, "What a backup holds"):
 *
 *     backup.json            this manifest
 *     tables/<table>.jsonl   each umbral table's rows, one JSON object a line
 *     artifacts/<sha256>     each artifact a version names, under its content address
 *
 * The manifest records the schema version (the migrations applied) and the sha256 of every file,
 * so that a restore can refuse a backup from a newer umbral and any file changed since it was taken.
 */
export const BACKUP_FORMAT = 'umbral-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'backup.json';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const backupManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.string(),
  umbralVersion: z.string(),
  /** Where it was taken from: `pglite` (embedded) or `postgres`. Either restores into either. */
  store: z.enum(['pglite', 'postgres']),
  /** Migration ids applied to the database it was taken from, in order. */
  migrations: z.array(z.string()),
  /** Tables in load order (parents before the tables whose foreign keys name them). */
  tables: z.array(z.object({ name: z.string().regex(/^umbral_[a-z0-9_]+$/), rows: z.number().int().min(0), sha256 })),
  artifacts: z.array(z.object({ sha256, size: z.number().int().min(0) })),
  /** Artifacts a version names that were not in the artifact store when the backup was taken. */
  missingArtifacts: z.array(sha256),
});

export type BackupManifest = z.infer<typeof backupManifestSchema>;

export const tableFile = (dir: string, table: string) => join(dir, 'tables', `${table}.jsonl`);
export const artifactFile = (dir: string, sha: string) => join(dir, 'artifacts', sha);
