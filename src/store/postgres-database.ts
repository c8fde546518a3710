import pg from 'pg';
import { Errors } from '../errors/catalogue.js';
import { checkChannel } from './check-channel.js';
import { toStoreError } from './connection-error.js';
import type { Database, Queryable } from './database.js';
import { MIGRATION_LOCK } from './migrate.js';
import { PostgresListener } from './postgres-listener.js';

/** How to reach a PostgreSQL server. */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  /**
   * A schema to keep every table in (created if missing, set as the connections' `search_path`),
   * so several deployments, or parallel test runs, can share one database. Default: the server's
   * `search_path` (normally `public`).
   */
  readonly schema?: string;
  /**
   * Receives failures that belong to no call: an idle pooled connection that dropped, the LISTEN
   * connection lost and being re-established. Without it they are ignored (never a crash).
   */
  readonly onError?: (error: Error) => void;
  /**
   * Longest one statement may run (PostgreSQL's `statement_timeout`); a server that does not answer
   * at all (frozen, cut off) fails the call a second later on this side. Default 10 s; 0 = none.
   */
  readonly statementTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/** The server cancels a statement first, cleanly; this side gives up only when it cannot answer at all. */
const CLIENT_TIMEOUT_MARGIN_MS = 1_000;

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
/** A query waits this long for a connection before failing with UMBRAL_ERR_STORE_UNAVAILABLE. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Connects a pool to a PostgreSQL server, checking that it answers (and creating `schema`). */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const { url, schema, onError = () => undefined, statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS } = options;
  if (schema !== undefined && !SCHEMA.test(schema)) {
    throw Errors.configInvalid([`store schema '${schema}': use 1-63 lower-case letters, digits and '_'`]);
  }
  const config: pg.PoolConfig = {
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Finds connections that died silently (a vanished peer), so the listener reconnects.
    keepAlive: true,
    application_name: 'umbral',
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS } : {}),
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
  const pool = new pg.Pool(config);
  pool.on('error', onError);
  const db = new PostgresDatabase(pool, new PostgresListener(config, onError), onError);
  try {
    if (schema === undefined) await db.query('SELECT 1');
    else await createSchema(db, schema);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * CREATE SCHEMA IF NOT EXISTS is not safe against itself: two replicas starting together on a new
 * schema race, and one fails with a unique violation. Under a transaction-level advisory lock (the
 * same one the migrations take) they take turns, and the second finds the schema there.
 */
async function createSchema(db: Database, schema: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  });
}

/**
 * A pool of connections: queries run on any of them, a transaction holds one from BEGIN to
 * COMMIT. Inside `work`, use `tx`: the Database would run the statement on another connection,
 * outside the transaction.
 */
class PostgresDatabase implements Database {
  readonly kind = 'postgres';
  #closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly listener: PostgresListener,
    private readonly onError: (error: Error) => void,
  ) {}

  async query<Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    this.#checkOpen();
    return await run<Row>(this.pool, sql, params);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#checkOpen();
    const client = await this.pool.connect().catch((error: unknown) => Promise.reject(toStoreError(error)));
    // A connection that breaks while checked out emits 'error' besides failing its query.
    client.on('error', this.onError);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work({ query: (sql, params) => run(client, sql, params) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw toStoreError(error);
    } finally {
      client.off('error', this.onError);
      client.release(broken);
    }
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    this.#checkOpen();
    return await this.listener.listen(checkChannel(channel), handler);
  }

  async notify(channel: string, payload: string, tx?: Queryable): Promise<void> {
    await (tx ?? this).query('SELECT pg_notify($1, $2)', [checkChannel(channel), payload]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.listener.close();
    await this.pool.end();
  }

  #checkOpen(): void {
    if (this.#closed) throw Errors.storeUnavailable('the database connection is closed');
  }
}

/**
 * Without parameters, node-postgres uses the simple protocol, where a migration may hold several
 * statements; the result is then one per statement, and the last one's rows are returned.
 */
async function run<Row>(on: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<Row[]> {
  try {
    const result: unknown = params === undefined || params.length === 0
      ? await on.query(sql)
      : await on.query(sql, [...params]);
    const last = (Array.isArray(result) ? result.at(-1) : result) as pg.QueryResult | undefined;
    return (last?.rows ?? []) as Row[];
  } catch (error) {
    throw toStoreError(error);
  }
}
