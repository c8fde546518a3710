import type { AccessRow } from './access-bench.js';
import type { CacheResults } from './cache-bench.js';
import type { HeavyResults } from './heavy-model-bench.js';
import type { Timing } from './jobs.js';
import type { Machine } from './machine.js';
import type { LoadResult } from './messages.js';
import type { OverloadResults } from './overload-bench.js';
import type { PredictionLogRow } from './prediction-log-bench.js';
import type { ServerSettings } from './server-settings.js';
import type { SmallModelRow } from './small-model-bench.js';
import type { StartupResults } from './startup-bench.js';
import type { UpstreamResults } from './upstream-bench.js';

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  readonly machine: Machine;
  readonly timing: Timing;
  /** What the measured server ran with (its defaults, read back from GET /info). */
  readonly settings: ServerSettings;
  /** Whether the onnx worker count is the server's default or came from --onnx-workers. */
  readonly workersSetBy: 'default' | 'flag';
  readonly startup: StartupResults;
  readonly small: readonly SmallModelRow[];
  readonly heavy: HeavyResults;
  /** The echo model with access control on, against the open server. */
  readonly access: readonly AccessRow[];
  /** umbral in front of remote upstreams, against a bare undici proxy. */
  readonly upstreams: UpstreamResults;
  /** Cache hits against a bare route, and the in-memory LRU under churn. */
  readonly cache: CacheResults;
  /** heavy-mlp at 512 clients without and with admission by queueing time. */
  readonly overload: OverloadResults;
  /** spam-classifier with every request in the prediction log, against logging off. */
  readonly predictionLog: readonly PredictionLogRow[];
}

/** Successful answers per second of a load run (for the heavy model, one row each: rows/s). */
export function perSecond(load: LoadResult): number {
  return (load.ok * 1000) / load.windowMs;
}
