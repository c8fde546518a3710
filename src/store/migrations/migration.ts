/** One schema change, applied once, in order, inside a transaction. */
export interface Migration {
  /** Unique and ordered: `0001-registry`. Never renamed once released. */
  readonly id: string;
  readonly sql: string;
}
