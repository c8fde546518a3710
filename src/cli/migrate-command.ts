import { loadConfig } from '../config/load-config.js';
import { openDatabase } from '../store/open-database.js';

/** `umbral migrate`: brings the configured database's schema up to date, then says what it did. */
export async function migrateCommand(configFile: string | undefined, print: (text: string) => number): Promise<number> {
  const config = loadConfig({ file: configFile });
  let applied: readonly string[] = [];
  const db = await openDatabase({
    dataDir: config.store.dataDir, databaseUrl: config.store.databaseUrl,
    schema: config.store.databaseSchema || undefined, onMigrated: (ids) => { applied = ids; },
  });
  await db.close();
  const where = db.kind === 'pglite' ? `the embedded database in ${config.store.dataDir}` : 'the PostgreSQL server';
  return print(applied.length === 0 ? `${where} is up to date` : `applied to ${where}: ${applied.join(', ')}`);
}
