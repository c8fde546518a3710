import type { Queryable } from './database.js';
import { ident } from './umbral-tables.js';

const FETCH_ROWS = 500;

/**
 * Reads every row of `table` as one line of JSON each (`row_to_json`: timestamps with their
 * microseconds and zone, jsonb as JSON, arrays as arrays), through a cursor so that a large table
 * never sits in memory whole. Run it inside a transaction (a cursor lives in one).
 */
export async function dumpRows(tx: Queryable, table: string, write: (line: string) => Promise<void>): Promise<number> {
  await tx.query(`DECLARE umbral_dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS line FROM ${ident(table)} t`);
  let count = 0;
  for (;;) {
    const rows = await tx.query<{ line: string }>(`FETCH FORWARD ${FETCH_ROWS} FROM umbral_dump`);
    for (const { line } of rows) await write(line);
    count += rows.length;
    if (rows.length < FETCH_ROWS) break;
  }
  await tx.query('CLOSE umbral_dump');
  return count;
}

/** Inserts rows written by `dumpRows` (the database turns each JSON object back into the table's row type). */
export async function loadRows(tx: Queryable, table: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  await tx.query(`INSERT INTO ${ident(table)} SELECT * FROM json_populate_recordset(NULL::${ident(table)}, $1::json)`, [`[${lines.join(',')}]`]);
}

/**
 * Turns the tables' user triggers off (`false`) or on again, inside the restore's transaction: the
 * append-only guards would refuse `--force`'s truncation, and the audit log's trigger would announce
 * restored entries as new events. Foreign keys (system triggers) stay enforced.
 */
export async function setUserTriggers(tx: Queryable, tables: readonly string[], enabled: boolean): Promise<void> {
  for (const table of tables) await tx.query(`ALTER TABLE ${ident(table)} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
}

/** The tables among `tables` that hold at least one row. */
export async function tablesWithRows(q: Queryable, tables: readonly string[]): Promise<string[]> {
  const held: string[] = [];
  for (const table of tables) if ((await q.query(`SELECT 1 FROM ${ident(table)} LIMIT 1`)).length > 0) held.push(table);
  return held;
}

/** Sets each serial column's sequence past the highest id loaded, so that new rows get fresh ids. */
export async function resetSequences(tx: Queryable, tables: readonly string[]): Promise<void> {
  const serials = await tx.query<{ table_name: string; column_name: string; sequence: string | null }>(
    `SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`, [tables]);
  for (const { table_name: table, column_name: column, sequence } of serials) {
    if (sequence === null) continue;
    await tx.query(`SELECT setval($1::regclass, COALESCE((SELECT max(${ident(column)}) FROM ${ident(table)}), 0) + 1, false)`, [sequence]);
  }
}
