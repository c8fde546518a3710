import { perSecond, type BenchResults } from './bench-results.js';
import { formatMs, formatRate, formatRatio } from './format.js';
import type { LoadResult } from './messages.js';
import { table } from './report-table.js';

/** The prediction log section: spam-classifier with every request logged against logging off. */
export function predictionLogSection(results: BenchResults): string[] {
  const cells = (load: LoadResult) => [formatRate(perSecond(load)), formatMs(load.latency.p50), formatMs(load.latency.p99)];
  return ['## Prediction log: every request logged vs logging off', '',
    table(['store', 'concurrency', 'logged req/s', 'p50 ms', 'p99 ms', 'off req/s', 'p50 ms', 'p99 ms', 'logged / off'],
      results.predictionLog.map((r) => [r.store === 'postgres' ? 'PostgreSQL' : 'embedded', String(r.concurrency), ...cells(r.logged), ...cells(r.off), formatRatio(perSecond(r.logged) / perSecond(r.off))])), '',
    'spam-classifier-logged has `prediction_log: {sample_rate: 1, payload: full}`: each request hands its tensors to the log\'s '
      + 'queue; the background flusher encodes them, summarises the prediction, extracts the drift sample and writes batches to the '
      + 'server\'s store: the embedded PGlite (in the same process, its inserts on umbral\'s main thread), or, when DATABASE_URL is set '
      + 'for the bench, a PostgreSQL server in a fresh schema (its inserts in the database\'s process, on the same cores). '
      + 'spam-classifier, on the same server, logs nothing.', ''];
}
