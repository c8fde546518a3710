import { perSecond, type BenchResults } from './bench-results.js';
import { CHURN_MAX_BYTES } from './cache-bench.js';
import { formatMs, formatRate, formatRatio } from './format.js';
import type { LoadResult } from './messages.js';
import { table } from './report-table.js';

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** The cache section: hits against the bare route, then the LRU's resident memory under churn. */
export function cacheSection(results: BenchResults): string[] {
  const { hits, churn } = results.cache;
  const cells = (load: LoadResult) => [formatRate(perSecond(load)), formatMs(load.latency.p50), formatMs(load.latency.p99)];
  return ['## Response cache: hits vs a bare fastify route, and the memory LRU under churn', '',
    table(['concurrency', 'umbral (hits) req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'p50 ms', 'p99 ms', 'umbral / bare'],
      hits.map((r) => [String(r.concurrency), ...cells(r.umbral), ...cells(r.bare), formatRatio(perSecond(r.umbral) / perSecond(r.bare))])), '',
    'spam-classifier with `cache: {ttl_seconds: 3600}` answers the same request every time, so every measured request is a hit: '
      + 'umbral still runs its hooks (request id, security headers, access control, access log, metrics), decodes the request, '
      + 'hashes it, reads and decodes the entry and renders the answer; the bare route parses the JSON and sends a copy of the same answer.', '',
    table(['written (× max_bytes)', 'entries', 'LRU bytes (MiB)', 'V8 heap in use over baseline (MiB)', 'resident memory over baseline (MiB)'],
      churn.samples.map((s) => [`${s.written}×`, String(s.entries), mib(s.cacheBytes), mib(s.heapBytes - churn.baselineHeapBytes),
        mib(s.rssBytes - churn.baselineRssBytes)])), '',
    `One model's in-memory LRU with max_bytes ${mib(CHURN_MAX_BYTES)} MiB, written over with unique 1 KiB entries (made by `
      + `JSON.stringify, as cached answers are); memory read after a full GC (baselines: heap ${mib(churn.baselineHeapBytes)} MiB, `
      + `resident ${mib(churn.baselineRssBytes)} MiB). The heap in use levels off once the LRU is full. Resident memory moves `
      + 'up and down with the churn rather than growing with it: pages V8 has freed stay counted until the kernel takes them back.', ''];
}
