import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Errors } from '../../errors/catalogue.js';
import { hashFile } from '../../registry/hash-file.js';
import { artifactFile, backupManifestSchema, MANIFEST_FILE, tableFile, type BackupManifest } from './backup-manifest.js';

/**
 * Reads a backup's manifest and checks every file it names against its recorded sha256 (and each
 * artifact against its content address), before anything is restored: a missing, truncated or
 * altered backup fails with UMBRAL_ERR_BACKUP_INVALID naming the file, and the target is untouched.
 */
export async function readBackup(path: string): Promise<BackupManifest> {
  const manifest = await readManifest(path);
  for (const table of manifest.tables) {
    await expectHash(path, tableFile(path, table.name), table.sha256);
  }
  for (const artifact of manifest.artifacts) {
    const file = artifactFile(path, artifact.sha256);
    await expectHash(path, file, artifact.sha256);
    if ((await stat(file)).size !== artifact.size) throw Errors.backupInvalid(path, `${file} is not ${artifact.size} bytes long`);
  }
  return manifest;
}

/** The rows of one table of a verified backup, one JSON line at a time. */
export function tableLines(path: string, table: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(tableFile(path, table)), crlfDelay: Infinity });
}

async function readManifest(path: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(path, MANIFEST_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw Errors.backupInvalid(path, code === 'ENOENT' ? `it has no ${MANIFEST_FILE} (is it the directory umbral backup wrote?)` : `${MANIFEST_FILE} cannot be read (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw Errors.backupInvalid(path, `${MANIFEST_FILE} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = backupManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw Errors.backupInvalid(path, `${MANIFEST_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

async function expectHash(path: string, file: string, expected: string): Promise<void> {
  let actual: string;
  try {
    actual = await hashFile(file);
  } catch (error) {
    throw Errors.backupInvalid(path, `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (actual !== expected) throw Errors.backupInvalid(path, `${file} has sha256 ${actual}, not the ${expected} recorded when the backup was taken: it was changed or damaged`);
}
