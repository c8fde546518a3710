import { perSecond, type BenchResults } from './bench-results.js';
import { formatBatch, formatCores, formatMs, formatRate, formatRatio } from './format.js';
import type { HeavyRun, RawRun } from './heavy-model-bench.js';
import type { LoadResult } from './messages.js';
import { checkTargets, LAG_RESOLUTION_MS } from './targets.js';

/** RESULTS.md: the machine, the targets met or not, the tables, and how the numbers were taken. */
export function renderReport(results: BenchResults): string {
  const { machine: m, timing } = results;
  return [
    '# umbral benchmark results',
    '',
    `Measured by \`npm run bench\` on ${m.date}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.os}), `
      + `onnxruntime-node ${m.onnxruntime}; umbral with ${results.heavy.workers} onnx workers × 1 intra-op thread, log level warn. `
      + `Every measurement: ${timing.warmupMs / 1000} s warm-up, then a ${timing.durationMs / 1000} s window. The machine is shared `
      + 'and noisy: read the ratios (each baseline is measured in the same run), not the absolute numbers.',
    '',
    ...targetsSection(results),
    ...smallSection(results),
    ...heavySection(results),
    ...lagSection(results),
    ...errorsSection(results),
    ...METHOD,
  ].join('\n');
}

function targetsSection(results: BenchResults): string[] {
  return ['## Targets', '', table(['target', 'goal', 'measured', 'met'],
    checkTargets(results).map((c) => [c.target, c.goal, c.measured, c.met ? '✅' : '❌'])), ''];
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

function heavySection(results: BenchResults): string[] {
  const { batched, unbatched, rawAtBatched, rawAtOne } = results.heavy;
  const umbralRow = (label: string, run: HeavyRun, raw: RawRun) => [
    label, formatRate(perSecond(run.load)), formatMs(run.load.latency.p50), formatMs(run.load.latency.p99),
    `${formatRatio(perSecond(run.load) / raw.result.rowsPerSecond)} of raw at batch ${raw.batchSize}`,
    formatCores(run.load.machineBusyCores),
  ];
  const rawRow = (raw: RawRun) => [
    `raw onnxruntime, batches of ${raw.batchSize}`, formatRate(raw.result.rowsPerSecond),
    `${formatMs(raw.result.runLatency.p50)} per run`, `${formatMs(raw.result.runLatency.p99)} per run`, '—',
    formatCores(raw.result.machineBusyCores),
  ];
  const serverRow = (label: string, run: HeavyRun) => [
    label, formatBatch(run.server.meanBatchSize), formatRate(run.server.runs), formatMs(run.server.queueMs), formatMs(run.server.runMs),
    formatCores(run.server.cpuCores), formatCores(run.load.cpuMs / run.load.windowMs),
    formatCores(run.load.machineBusyCores - run.server.cpuCores - run.load.cpuMs / run.load.windowMs),
  ];
  return ['## Heavy model (heavy-mlp), concurrency 64, one row per request', '',
    table(['run', 'rows/s', 'p50 ms', 'p99 ms', 'vs raw', 'machine busy cores'], [
      umbralRow('umbral, batching on', batched, rawAtBatched),
      umbralRow('umbral, batching off', unbatched, rawAtOne),
      rawRow(rawAtBatched),
      rawRow(rawAtOne),
    ]), '',
    `Batching on vs off: ${formatRatio(perSecond(batched.load) / perSecond(unbatched.load))}. Where the time went, from umbral's `
      + `/metrics over the window (run: one model run as the scheduler times it, the hop to the worker thread included; CPU of all `
      + `${results.machine.cores} cores):`, '',
    table(['run', 'mean batch', 'model runs', 'queue wait ms/request', 'run ms', 'server CPU (cores)', 'load generator CPU (cores)',
      'everything else on the machine (cores)'], [
      serverRow('batching on', batched), serverRow('batching off', unbatched),
    ]), ''];
}

function lagSection(results: BenchResults): string[] {
  const row = (label: string, run: HeavyRun) => [
    label,
    `${formatMs(run.server.lagP50Ms)} / ${formatMs(run.server.lagP99Ms)} / ${formatMs(run.server.lagMaxMs)}`,
    `${formatMs(run.probe.latency.p50)} / ${formatMs(run.probe.latency.p99)} / ${formatMs(run.probe.latency.max)}`,
    `${run.probe.latency.count} (${run.probe.failures} failed)`,
  ];
  return ['## Event-loop lag of the server during the heavy runs', '',
    table(['run', 'umbral_nodejs_eventloop_lag p50 / p99 / max ms', '/health/live probe p50 / p99 / max ms', 'probes'], [
      row('batching on', results.heavy.batched), row('batching off', results.heavy.unbatched),
    ]), '',
    `The exported lag comes from \`monitorEventLoopDelay\` at prom-client's ${LAG_RESOLUTION_MS} ms resolution, which records the `
      + `time between two wake-ups of a ${LAG_RESOLUTION_MS} ms timer: an idle loop reads about ${LAG_RESOLUTION_MS} ms, so the lag `
      + `proper is the value minus ${LAG_RESOLUTION_MS} ms. The probe is what a Kubernetes liveness probe sees: a GET /health/live every `
      + '10 ms over its own connection from another process, timed end to end (its own scheduling on the busy machine included).', ''];
}

function errorsSection(results: BenchResults): string[] {
  const runs: [string, LoadResult][] = [
    ...results.small.flatMap((r): [string, LoadResult][] => [[`${r.model} c=${r.concurrency} umbral`, r.umbral], [`${r.model} c=${r.concurrency} bare`, r.bare]]),
    ['heavy-mlp batching on', results.heavy.batched.load], ['heavy-mlp batching off', results.heavy.unbatched.load],
  ];
  const failed = runs.filter(([, load]) => load.errors > 0);
  if (failed.length === 0) return ['Every request of every run succeeded.', ''];
  return ['## Failed requests', '', ...failed.map(([label, load]) => `- ${label}: ${load.errors} failed, e.g. \`${(load.errorSamples[0] ?? '').replaceAll('`', "'")}\``), ''];
}

const METHOD = [
  '## Method',
  '',
  '- Processes: the umbral server (`bin/umbral.js serve`: default settings but log level warn, a temporary model repository and',
  '  an empty data directory of its own), the load generator, the liveness probe, the bare fastify server and the raw onnxruntime',
  '  baseline each run in a child process of their own; the orchestrator (`bench/run.ts`) only coordinates. All on loopback.',
  '- Load: an undici `Pool` with one keep-alive connection per loop and N loops, each sending its next request when the previous',
  '  answer is read. Only answers arriving inside the window count; p50/p99 are nearest-rank over every recorded latency.',
  '- Small models: `spam-classifier` with one short e-mail (the realistic small model, targets judged on it) and the `echo` test',
  '  fixture (one [1,3] tensor of every datatype). Both keep their model.yaml, dynamic batching included (its queue delay: 1 ms',
  '  for spam-classifier, 5 ms for echo). `spam-classifier-unbatched` is the same model without `dynamic_batching`, to show what the',
  '  delay costs a lone request. The bare route is fastify with one POST route that parses the same JSON body and sends a fresh copy',
  '  of umbral\'s own answer to that request.',
  '- Heavy model: `heavy-mlp` (MLP 256-1024-1024-1024-10), **every request carries one row**, so throughput above one row per run',
  '  comes only from dynamic batching merging concurrent requests. "Batching off" is a copy of the model whose model.yaml has',
  '  no `dynamic_batching` (same max_batch_size). Mean batch size and model runs come from `umbral_inference_batch_size`, scraped',
  '  when the window opens and closes.',
  '- Raw onnxruntime: as many worker threads as umbral has onnx workers, each with one session of the same file and umbral\'s session',
  '  options (1 intra-op and 1 inter-op thread, sequential, spinning off), calling `session.run()` in a tight loop on a batch of',
  '  the mean size umbral\'s batching reached (rounded). No HTTP, no JSON, no messages between threads: it is the ceiling.',
  '',
];

function loadCells(load: LoadResult): string[] {
  return [formatRate(perSecond(load)), formatMs(load.latency.p50), formatMs(load.latency.p99)];
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
