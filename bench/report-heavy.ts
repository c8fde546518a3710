import type { BenchResults } from './bench-results.js';
import { formatBatch, formatCores, formatMs, formatRate, formatRatio } from './format.js';
import { rowsPerSecond, serverCpuPerRequestUs, type HeavyRun, type RawRun } from './heavy-model-bench.js';
import { table } from './report-table.js';

/** RESULTS.md's heavy-model tables: throughput against raw onnxruntime, and where the time went. */
export function heavySection(results: BenchResults): string[] {
  const { batched, unbatched, batchedMultiRow, rawAtBatched, rawAtOne, rawAtMultiRow } = results.heavy;
  const umbralRow = (label: string, run: HeavyRun, raw: RawRun) => [
    label, formatRate(rowsPerSecond(run)), formatMs(run.load.latency.p50), formatMs(run.load.latency.p99),
    `${formatRatio(rowsPerSecond(run) / raw.result.rowsPerSecond)} of raw at batch ${raw.batchSize}`,
    formatCores(run.load.machineBusyCores),
  ];
  const rawRow = (raw: RawRun) => [
    `raw onnxruntime, batches of ${raw.batchSize}`, formatRate(raw.result.rowsPerSecond),
    `${formatMs(raw.result.runLatency.p50)} per run`, `${formatMs(raw.result.runLatency.p99)} per run`, '—',
    formatCores(raw.result.machineBusyCores),
  ];
  const raws = [...new Map([rawAtBatched, rawAtOne, rawAtMultiRow].map((raw) => [raw.batchSize, raw])).values()];
  const serverRow = (label: string, run: HeavyRun) => {
    const loadCores = run.load.cpuMs / run.load.windowMs;
    return [
      label, formatBatch(run.server.meanBatchSize), formatRate(run.server.runs), formatMs(run.server.queueMs), formatMs(run.server.runMs),
      formatCores(run.server.cpuCores), formatRate(serverCpuPerRequestUs(run)),
      formatCores(loadCores), formatCores(run.load.machineBusyCores - run.server.cpuCores - loadCores),
    ];
  };
  const { workers, intraOpThreads } = results.heavy;
  return [`## Heavy model (heavy-mlp), concurrency 64`, '',
    table(['run', 'rows/s', 'p50 ms', 'p99 ms', 'vs raw', 'machine busy cores'], [
      umbralRow('umbral, batching on, 1 row per request', batched, rawAtBatched),
      umbralRow('umbral, batching off, 1 row per request', unbatched, rawAtOne),
      umbralRow(`umbral, batching on, ${batchedMultiRow.rowsPerRequest} rows per request`, batchedMultiRow, rawAtMultiRow),
      ...raws.map(rawRow),
    ]), '',
    `umbral ran ${workers} onnx worker${workers === 1 ? '' : 's'} × ${intraOpThreads} intra-op thread${intraOpThreads === 1 ? '' : 's'}, `
      + `and raw onnxruntime as many. Batching on vs off, one row per request: ${formatRatio(rowsPerSecond(batched) / rowsPerSecond(unbatched))}. `
      + `Where the time went, from umbral's /metrics over the window (run: one model run as the scheduler times it, the hop to the `
      + `worker thread included; CPU of all ${results.machine.cores} cores):`, '',
    table(['run', 'mean batch (rows)', 'model runs', 'queue wait ms/request', 'run ms', 'server CPU (cores)',
      'server CPU µs/request (all threads)', 'load generator CPU (cores)', 'everything else on the machine (cores)'], [
      serverRow('batching on, 1 row per request', batched), serverRow('batching off, 1 row per request', unbatched),
      serverRow(`batching on, ${batchedMultiRow.rowsPerRequest} rows per request`, batchedMultiRow),
    ]), '',
    ...multiRowNote(results), ''];
}

/** Why the client-side-batched run still falls short of raw: what each model run costs end to end. */
function multiRowNote(results: BenchResults): string[] {
  const { batchedMultiRow: run, rawAtMultiRow: raw, workers } = results.heavy;
  return [`With ${run.rowsPerRequest}-row requests, model runs of ${formatBatch(run.server.meanBatchSize)} rows took `
    + `${formatMs(run.server.runMs)} ms each as the scheduler times them (dispatch to result back on the main thread), against `
    + `${formatMs(raw.result.runLatency.p50)} ms (p50) for raw onnxruntime at batch ${raw.batchSize}: a model keeps at most one run `
    + `in flight per onnx worker (${workers} here), so a worker idles from the moment it posts a result until the main thread, `
    + 'busy with HTTP and JSON, has taken it and handed over the next batch.'];
}

/** RESULTS.md's event-loop lag table of the heavy runs. */
export function lagSection(results: BenchResults): string[] {
  const row = (label: string, run: HeavyRun) => [
    label,
    `${formatMs(run.server.lagP50Ms)} / ${formatMs(run.server.lagP99Ms)} / ${formatMs(run.server.lagMaxMs)}`,
    `${formatMs(run.probe.latency.p50)} / ${formatMs(run.probe.latency.p99)} / ${formatMs(run.probe.latency.max)}`,
    `${run.probe.latency.count} (${run.probe.failures} failed)`,
  ];
  const { batched, unbatched, batchedMultiRow } = results.heavy;
  return ['## Event-loop lag of the server during the heavy runs', '',
    table(['run', 'umbral_nodejs_eventloop_lag p50 / p99 / max ms', '/health/live probe p50 / p99 / max ms', 'probes'], [
      row('batching on, 1 row per request', batched), row('batching off, 1 row per request', unbatched),
      row(`batching on, ${batchedMultiRow.rowsPerRequest} rows per request`, batchedMultiRow),
    ]), '',
    'The exported lag comes from `monitorEventLoopDelay`, which umbral samples every 1 ms (prom-client\'s '
      + '`eventLoopMonitoringPrecision: 1`); the scrape that opens the window resets it, so the figures cover the window. The probe '
      + 'is what a Kubernetes liveness probe sees: a GET /health/live every 10 ms over its own connection from another process, '
      + 'timed end to end (its own scheduling on the busy machine included).', ''];
}
