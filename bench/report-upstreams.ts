import { perSecond, type BenchResults } from './bench-results.js';
import { formatMs, formatRate, formatRatio } from './format.js';
import type { LoadResult } from './messages.js';
import { table } from './report-table.js';
import { FAILURE_RATE } from './upstream-bench.js';

/** The upstream section: each route direct, through the bare proxy and through umbral, then under failures. */
export function upstreamSection(results: BenchResults): string[] {
  const { rows, healthy, failing } = results.upstreams;
  const cells = (load: LoadResult) => [formatRate(perSecond(load)), formatMs(load.latency.p50), formatMs(load.latency.p99)];
  return ['## Remote upstreams: umbral vs a bare undici proxy', '',
    table(['route', 'concurrency', 'direct req/s', 'p50 ms', 'p99 ms', 'proxy req/s', 'p50 ms', 'p99 ms', 'umbral req/s', 'p50 ms', 'p99 ms',
      'umbral / proxy', 'umbral p50 − direct p50 ms'], rows.map((r) => [
      r.route, String(r.concurrency), ...cells(r.direct), ...cells(r.proxy), ...cells(r.umbral),
      formatRatio(perSecond(r.umbral) / perSecond(r.proxy)), formatMs(r.umbral.latency.p50 - r.direct.latency.p50),
    ])), '',
    `With the upstream failing ${FAILURE_RATE * 100} % of requests (503) and retries on (8 attempts, 100 % budget), the KServe route at `
      + `concurrency 32 served ${formatRate(perSecond(failing))} req/s with ${failing.errors} errors, against ${formatRate(perSecond(healthy))} `
      + `req/s from a healthy upstream: ${formatRatio(perSecond(failing) / perSecond(healthy))}.`, '',
    'Everything runs on this one machine: the upstreams (umbral\'s fault-injection harness, answering at once), the bare proxy '
      + '(node:http + an undici Pool, forwarding bytes without parsing them), umbral and the load generator share its cores. '
      + 'umbral decodes, validates and re-encodes every request and answer, which the proxy does not.', ''];
}
