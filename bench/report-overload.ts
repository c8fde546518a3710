import type { BenchResults } from './bench-results.js';
import { perSecond } from './bench-results.js';
import { formatMs, formatRate } from './format.js';
import type { LoadResult } from './messages.js';
import { servedWithinTarget } from './overload-bench.js';
import { table } from './report-table.js';

/** The overload section: one process at 512 clients, without and with admission by queueing time. */
export function overloadSection(results: BenchResults): string[] {
  const { concurrency, targetMs, queued, admitted } = results.overload;
  const row = (label: string, load: LoadResult) => [
    label, formatRate(perSecond(load)), formatMs(load.latency.p50), formatMs(load.latency.p99),
    `${(servedWithinTarget(load, targetMs) * 100).toFixed(1)} %`, formatRate(((load.refused ?? 0) * 1000) / load.windowMs), formatMs(load.refusedLatency?.p50 ?? Number.NaN), formatMs(load.refusedLatency?.p99 ?? Number.NaN),
  ];
  return [`## Overload: heavy-mlp at ${concurrency} clients, without and with admission by queueing time`, '',
    table(['server', 'served req/s', 'p50 ms', 'p99 ms', `served within ${targetMs} ms (server side)`, 'refused req/s', 'refused p50 ms', 'refused p99 ms'], [
      row('queue bounded by length only (target = the request deadline)', queued),
      row(`admission target ${targetMs} ms (UMBRAL_BATCH_MAX_QUEUE_WAIT_MS)`, admitted),
    ]), '',
    `${concurrency} clients each send one-row requests to heavy-mlp back to back over kept-alive connections; a refused one waits `
      + 'its Retry-After, as a well-behaved client does. Without a target every request waits its turn; with one, a request that '
      + `would wait longer than ${targetMs} ms behind those the server holds is answered 503 UMBRAL_ERR_OVERLOADED at once. `
      + '"Server side" is the share of successful answers that umbral_http_request_duration_seconds puts within the target; the '
      + 'client-side latencies add the load generator\'s own time on the same cores.', ''];
}
