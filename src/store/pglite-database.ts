import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { Errors } from '../errors/catalogue.js';
import { checkChannel } from './check-channel.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import type { Database, Queryable } from './database.js';
import { initPgliteDataDir } from './init-pglite-data-dir.js';

/**
 * How the embedded PostgreSQL starts: PGlite's defaults plus `shared_buffers=16MB`.
 *
 * initdb writes `shared_buffers = 128MB`, and in PGlite those buffers live in the WebAssembly heap
 * (a 128 MB heap that then has to grow), so they are resident memory of the server itself. The
 * registry's working set is a few hundred kilobytes; 16 MB (2,048 pages) holds all of it.
 * Measured on Node 20 (x86-64, 2 cores), reopening an existing directory, RSS added to the process:
 *
 * | settings                       | after open | after 200 inserts + reads | open    |
 * |--------------------------------|-----------:|--------------------------:|--------:|
 * | PGlite defaults (128 MB)       |   ~245 MB  |                  ~270 MB  | ~0.75 s |
 * | shared_buffers=16MB (chosen)   |   ~125 MB  |                  ~155 MB  | ~0.55 s |
 * | shared_buffers=1MB … 8MB       |   ~110 MB  |                  ~150 MB  | ~0.55 s |
 *
 * Below 16 MB nothing measurable is saved; the floor is PGlite's fixed 128 MB WebAssembly heap
 * (`initialMemory` cannot go lower: the module declares it as its minimum) and the compiled
 * module. work_mem, temp_buffers and maintenance_work_mem are allocated only when a query uses
 * them, and lowering them changed nothing measurable; `relaxedDurability` only skips a sync that
 * is a no-op on the Node filesystem. A new directory (initdb, 3-7 s) is created in a child
 * process, see `initPgliteDataDir`: the server then holds ~175 MB more instead of ~630-770 MB.
 */
export const PGLITE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** int8 (bigint, count(*)) comes back as a string, as node-postgres returns it: exact past 2^53. */
const PARSERS = { [types.INT8]: (value: string) => value };

/**
 * Opens (creating on first use) the embedded database in `<dataDir>/pgdata`, holding the data
 * directory's lock until `close()`: a second opener fails with UMBRAL_ERR_STORE_LOCKED.
 */
export async function openPgliteDatabase(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  try {
    const pgdata = join(dataDir, 'pgdata');
    await initPgliteDataDir(pgdata, PGLITE_START_PARAMS);
    const pg = await PGlite.create(pgdata, { startParams: [...PGLITE_START_PARAMS], parsers: PARSERS });
    return new PgliteDatabase(pg, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * PGlite is one session on the main thread: its transaction mutex already queues every query and
 * transaction behind an open transaction, so transactions serialise and a query outside one never
 * lands inside it. Inside `work`, use `tx`: the Database itself would wait for the transaction.
 */
class PgliteDatabase implements Database {
  readonly kind = 'pglite';
  #closed = false;

  constructor(private readonly pg: PGlite, private readonly lock: DataDirLock) {}

  async query<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    this.#checkOpen();
    return await run<Row>(this.pg, sql, params);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#checkOpen();
    return await this.pg.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params) }));
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    this.#checkOpen();
    const unlisten = await this.pg.listen(checkChannel(channel), handler);
    return async () => {
      if (!this.#closed) await unlisten();
    };
  }

  async notify(channel: string, payload: string, tx?: Queryable): Promise<void> {
    await (tx ?? this).query('SELECT pg_notify($1, $2)', [checkChannel(channel), payload]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.pg.close();
    } finally {
      this.lock.release();
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw Errors.storeUnavailable('the embedded database is closed');
  }
}

/**
 * Without parameters, the simple protocol (`exec`): a migration may hold several statements, as
 * node-postgres allows; the last statement's rows are returned.
 */
async function run<Row>(pg: PGlite | Transaction, sql: string, params?: readonly unknown[]): Promise<Row[]> {
  if (params === undefined || params.length === 0) {
    const results = await pg.exec(sql);
    return (results.at(-1)?.rows ?? []) as Row[];
  }
  const result = await pg.query<Row>(sql, [...params]);
  return result.rows;
}
