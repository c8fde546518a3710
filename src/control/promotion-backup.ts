import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBackup, type BackupSource } from './backup/write-backup.js';

/** Where promotion backups go and how many stay (config `backups.beforePromotion`, `backups.keep`). */
export interface PromotionBackupOptions {
  readonly dir: string;
  readonly keep: number;
  readonly source: BackupSource;
  readonly now?: () => Date;
}

/** `20260131T120000123Z-ticket-classifier`: sorts by time; a `.partial-` directory is never one. */
const NAME = /^\d{8}T\d{9}Z-(?!.*\.partial-)[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A backup taken before each promotion (ModelAdmin.promote calls it before anything moves, and a
 * backup that cannot be written refuses the promotion), named by time and model, in `dir`; then
 * the oldest beyond `keep` are removed. Resolves to the backup's path, which the audit entry records.
 */
export function promotionBackup(options: PromotionBackupOptions): (model: string) => Promise<string> {
  const now = options.now ?? (() => new Date());
  return async (model) => {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const stamp = now().toISOString().replace(/[-:.]/g, '');
    const { path } = await writeBackup(options.source, join(options.dir, `${stamp}-${model}`));
    await prune(options.dir, options.keep);
    return path;
  };
}

/** Removes the oldest promotion backups in `dir` beyond the newest `keep`; other files are left alone. */
export async function prune(dir: string, keep: number): Promise<string[]> {
  const backups = (await readdir(dir)).filter((name) => NAME.test(name)).sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of old) await rm(join(dir, name), { recursive: true, force: true });
  return old;
}
