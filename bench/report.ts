import { perSecond, type BenchResults } from './bench-results.js';
import { formatCores, formatMs, formatRate, formatRatio } from './format.js';
import { serverCpuPerRequestUs } from './heavy-model-bench.js';
import type { LoadResult } from './messages.js';
import { openRate } from './access-bench.js';
import { heavySection, lagSection } from './report-heavy.js';
import { methodSection } from './report-method.js';
import { startupSection } from './report-startup.js';
import { table } from './report-table.js';
import { upstreamSection } from './report-upstreams.js';
import { cacheSection } from './report-cache.js';
import { overloadSection } from './report-overload.js';
import { predictionLogSection } from './report-prediction-log.js';
import { checkTargets } from './targets.js';

/** RESULTS.md: the machine, the targets met or not, the tables, and how the numbers were taken. */
export function renderReport(results: BenchResults): string {
  const { machine: m, timing, settings } = results;
  return [
    '# umbral benchmark results',
    '',
    `Measured by \`npm run bench\` on ${m.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.os}), `
      + `onnxruntime-node ${m.onnxruntime}; umbral with ${settings.onnxWorkers} onnx worker${settings.onnxWorkers === 1 ? '' : 's'} × `
      + `${settings.intraOpThreads} intra-op thread${settings.intraOpThreads === 1 ? '' : 's'} `
      + `(${results.workersSetBy === 'default' ? 'its default on this machine: cores − 1' : 'set by --onnx-workers'}), log level `
      + `${settings.logLevel}. Every load measurement: ${timing.warmupMs / 1000} s warm-up, then a ${timing.durationMs / 1000} s window. `
      + 'The machine is shared and noisy: read the ratios (each baseline is measured in the same run), not the absolute numbers.',
    '',
    ...targetsSection(results),
    ...startupSection(results),
    ...smallSection(results),
    ...predictionLogSection(results),
    ...heavySection(results),
    ...accessSection(results),
    ...upstreamSection(results),
    ...cacheSection(results),
    ...overloadSection(results),
    ...lagSection(results),
    ...errorsSection(results),
    ...methodSection(results),
  ].join('\n');
}

function targetsSection(results: BenchResults): string[] {
  return ['## Targets', '', table(['target', 'goal', 'measured', 'met'],
    checkTargets(results).map((c) => [c.target, c.goal, c.measured, c.met ? '✅' : '❌'])), '',
    `One-row requests cannot reach 0.8× raw on ${results.machine.cores} cores: an earlier profile found the server's main thread `
      + 'saturated on HTTP and JSON (~260 µs of CPU per one-row request) while the onnx workers idled, and raw onnxruntime does no '
      + `HTTP at all (this run: ${formatRate(serverCpuPerRequestUs(results.heavy.batched))} µs of server CPU per one-row request, all threads, inference included).`, ''];
}

function smallSection(results: BenchResults): string[] {
  const rows = results.small.map((r) => [
    r.model, String(r.concurrency), ...loadCells(r.umbral), ...loadCells(r.bare), formatRatio(perSecond(r.umbral) / perSecond(r.bare)),
    `${formatCores(r.umbral.machineBusyCores)} / ${formatCores(r.bare.machineBusyCores)}`,
  ]);
  return ['## Small models: umbral vs a bare fastify route', '',
    table(['model', 'concurrency', 'umbral req/s', 'p50 ms', 'p99 ms', 'bare req/s', 'p50 ms', 'p99 ms', 'umbral / bare',
      'machine busy cores, umbral / bare run'], rows), '',
    `"Machine busy cores": how many of the ${results.machine.cores} cores the whole machine (other tenants included) kept busy `
      + 'during the window; a run that shared the machine with someone else\'s work reads higher than its own processes explain.', ''];
}

function accessSection(results: BenchResults): string[] {
  const rows = results.access.map((r) => [
    r.credential, String(r.concurrency), ...loadCells(r.secured), formatRate(openRate(r)),
    formatMs((r.open[0].latency.p50 + r.open[1].latency.p50) / 2), formatRatio(perSecond(r.secured) / openRate(r)),
    formatMs(r.secured.latency.p50 - (r.open[0].latency.p50 + r.open[1].latency.p50) / 2),
  ]);
  return ['## Access control: the echo model with a credential vs access control off', '',
    table(['credential', 'concurrency', 'req/s', 'p50 ms', 'p99 ms', 'off: req/s', 'p50 ms', 'on / off', 'added p50 ms'], rows), '',
    'Two servers on the same model repository, one with access control on (keys and users checked in memory, rate-limit '
      + 'counters in memory). Each run with a credential is measured between two runs of the open server under the same load; '
      + '"off" is their mean.', ''];
}

function errorsSection(results: BenchResults): string[] {
  const { batched, unbatched, batchedMultiRow } = results.heavy;
  const runs: [string, LoadResult][] = [
    ...results.small.flatMap((r): [string, LoadResult][] => [[`${r.model} c=${r.concurrency} umbral`, r.umbral], [`${r.model} c=${r.concurrency} bare`, r.bare]]),
    ['heavy-mlp batching on', batched.load], ['heavy-mlp batching off', unbatched.load],
    [`heavy-mlp batching on, ${batchedMultiRow.rowsPerRequest} rows per request`, batchedMultiRow.load],
    ...results.access.flatMap((r): [string, LoadResult][] => [[`access control, ${r.credential}, c=${r.concurrency}`, r.secured],
      [`access control off (before ${r.credential}), c=${r.concurrency}`, r.open[0]],
      [`access control off (after ${r.credential}), c=${r.concurrency}`, r.open[1]]]),
    ...results.upstreams.rows.flatMap((r): [string, LoadResult][] => [[`${r.route} c=${r.concurrency} direct`, r.direct],
      [`${r.route} c=${r.concurrency} proxy`, r.proxy], [`${r.route} c=${r.concurrency} umbral`, r.umbral]]),
    ['KServe route, healthy upstream (failure baseline)', results.upstreams.healthy],
    ...results.cache.hits.flatMap((r): [string, LoadResult][] => [[`cache hits c=${r.concurrency} umbral`, r.umbral], [`cache hits c=${r.concurrency} bare`, r.bare]]),
    ...results.predictionLog.flatMap((r): [string, LoadResult][] => [[`prediction log on (${r.store}), c=${r.concurrency}`, r.logged], [`prediction log off (${r.store}), c=${r.concurrency}`, r.off]]),
    ['overload, no admission target', results.overload.queued], ['overload, admission target', results.overload.admitted],
  ];
  const failed = runs.filter(([, load]) => load.errors > 0);
  if (failed.length === 0) return ['Every request of every run succeeded.', ''];
  return ['## Failed requests', '', ...failed.map(([label, load]) => `- ${label}: ${load.errors} failed, e.g. \`${(load.errorSamples[0] ?? '').replaceAll('`', "'")}\``), ''];
}

function loadCells(load: LoadResult): string[] {
  return [formatRate(perSecond(load)), formatMs(load.latency.p50), formatMs(load.latency.p99)];
}
