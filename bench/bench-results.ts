import type { HeavyResults } from './heavy-model-bench.js';
import type { Timing } from './jobs.js';
import type { Machine } from './machine.js';
import type { LoadResult } from './messages.js';
import type { SmallModelRow } from './small-model-bench.js';

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  readonly machine: Machine;
  readonly timing: Timing;
  readonly small: readonly SmallModelRow[];
  readonly heavy: HeavyResults;
}

/** Successful answers per second of a load run (for the heavy model, one row each: rows/s). */
export function perSecond(load: LoadResult): number {
  return (load.ok * 1000) / load.windowMs;
}
