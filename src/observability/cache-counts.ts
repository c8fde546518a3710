/** Per-model counts of this process, for `/info`. */
export interface CacheCounts {
  readonly hits: number;
  readonly misses: number;
  /** Expired answers served because the backend failed. */
  readonly stale: number;
}

/** Hits over every lookup (a stale answer is not a hit); undefined before the first lookup. */
export function hitRate(counts: CacheCounts): number | undefined {
  const lookups = counts.hits + counts.misses + counts.stale;
  return lookups === 0 ? undefined : counts.hits / lookups;
}
