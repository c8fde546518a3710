import type { Queryable } from './database.js';

/** umbral's own migration bookkeeping: a backup records it as the schema version, not as rows. */
export const MIGRATIONS_TABLE = 'umbral_migrations';

/**
 * umbral's tables in the connection's schema (every `umbral_*` table but the migration list), each
 * after the tables its foreign keys name, so that rows loaded in this order satisfy every key.
 * Read from the catalogue, so a table a later migration adds is included without a list to update.
 */
export async function umbralTables(q: Queryable): Promise<string[]> {
  const tables = await q.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
       AND c.relname LIKE 'umbral\\_%' AND c.relname <> $1 ORDER BY c.relname`, [MIGRATIONS_TABLE]);
  const keys = await q.query<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint k
     JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
     WHERE k.contype = 'f' AND child.relnamespace = current_schema()::regnamespace`);
  return dependencyOrder(tables.map(({ name }) => name), keys);
}

/** Tables ordered parents first (a depth-first topological sort; names keep their order otherwise). */
export function dependencyOrder(tables: readonly string[], keys: ReadonlyArray<{ child: string; parent: string }>): string[] {
  const parents = new Map<string, string[]>(tables.map((table) => [table, []]));
  for (const { child, parent } of keys) if (child !== parent && parents.has(parent)) parents.get(child)?.push(parent);
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = (table: string) => {
    if (seen.has(table)) return; // done, or a cycle (none in umbral's schema): keep going
    seen.add(table);
    for (const parent of parents.get(table) ?? []) visit(parent);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/** Quotes an identifier read from the catalogue (`umbral_*`: letters, digits, underscores). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
