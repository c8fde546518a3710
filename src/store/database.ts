/**
 * The one data-access interface: parameterised PostgreSQL (`$1`, `$2`, …) over either embedded PGlite
 * or a PostgreSQL server. Both drivers already speak this shape, so the store stays one SQL dialect
 * with the same queries everywhere; a query builder would add a third-party PGlite dialect for little.
 */
export interface Queryable {
  /**
   * Runs one statement and returns its rows; without `params`, `sql` may hold several statements
   * and the last one's rows are returned. Values, alike on both drivers: int8 and numeric come back
   * as strings, jsonb parsed, timestamptz as a Date; send a jsonb array or scalar as JSON text.
   */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  /** `pglite` (embedded, one process) or `postgres` (a server, shared by replicas). */
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws (the error is rethrown).
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `handler` with each payload sent on `channel` (PostgreSQL LISTEN/NOTIFY), from this or any
   * other process on the same database. Resolves to a function that stops listening.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /** Sends a notification (delivered after the surrounding transaction commits, if any). */
  notify(channel: string, payload: string, tx?: Queryable): Promise<void>;
  /** Closes connections (and, for PGlite, the data directory and its lock). */
  close(): Promise<void>;
}
