import type { BenchResults } from './bench-results.js';
import { HEAVY_MAX_BATCH_SIZE } from './heavy-model-bench.js';

/** RESULTS.md's closing section: how every number was taken. */
export function methodSection(results: BenchResults): string[] {
  const { onnxWorkers } = results.settings;
  const rows = results.heavy.batchedMultiRow.rowsPerRequest;
  const workers = results.workersSetBy === 'default'
    ? `umbral ran with its default of ${onnxWorkers} onnx worker${onnxWorkers === 1 ? '' : 's'} (cores − 1), as shipped: `
      + 'earlier runs of this bench forced one worker per core, but the default leaves one core to the main thread, which does '
      + 'all the HTTP and JSON work; a worker per core would make it share its core with a worker, and a user who sets nothing '
      + 'gets the default. The raw baseline reads the count back from GET /info and runs as many workers. '
      + '`npm run bench -- --onnx-workers N` measures another count.'
    : `umbral ran with ${onnxWorkers} onnx worker${onnxWorkers === 1 ? '' : 's'}, set by --onnx-workers instead of its default `
      + '(cores − 1); the raw baseline runs as many.';
  return [
    '## Method',
    '',
    '- Processes: the umbral server (`bin/umbral.js serve`: default settings but log level warn, a temporary model repository and',
    '  an empty data directory of its own), the load generator, the liveness probe, the bare fastify server and the raw onnxruntime',
    '  baseline each run in a child process of their own; the orchestrator (`bench/run.ts`) only coordinates. All on loopback.',
    `- Workers: ${workers}`,
    '- Start-up: before anything else, three starts of `umbral serve --port 0` on a repository holding spam-classifier only, at log',
    '  level info (for the "umbral is serving" line, which names the port), without DATABASE_URL: the first with a data directory',
    '  that does not exist yet, then two on the directory it made. The orchestrator polls GET /v2/health/ready every 10 ms from',
    '  the moment the serving line names the port (nothing listens earlier) and times spawn → first 200 by its own clock; the',
    '  logged time is that line\'s own `time` minus the spawn. Server RSS is `umbral_process_resident_memory_bytes`, scraped right',
    '  after the first 200. The store alone is `openDatabase()` in a child process of its own (the compiled',
    '  `src/store/open-database.js`, imported before the first RSS reading).',
    '- Load: an undici `Pool` with one keep-alive connection per loop and N loops, each sending its next request when the previous',
    '  answer is read. Only answers arriving inside the window count; p50/p99 are nearest-rank over every recorded latency.',
    '- Small models: `spam-classifier` with one short e-mail (the realistic small model, targets judged on it) and the `echo` test',
    '  fixture (one [1,3] tensor of every datatype). Both keep their model.yaml, dynamic batching included (its queue delay: 1 ms',
    '  for spam-classifier, 5 ms for echo). `spam-classifier-unbatched` is the same model without `dynamic_batching`, to show what the',
    '  delay costs a lone request. The bare route is fastify with one POST route that parses the same JSON body and sends a fresh copy',
    '  of umbral\'s own answer to that request.',
    `- Heavy model: \`heavy-mlp\` (MLP 256-1024-1024-1024-10, max_batch_size ${HEAVY_MAX_BATCH_SIZE}). In the one-row runs **every request carries one`,
    '  row**, so throughput above one row per run comes only from dynamic batching merging concurrent requests. "Batching off" is',
    '  a copy of the model whose model.yaml has no `dynamic_batching` (same max_batch_size). The client-side-batched run sends',
    `  ${rows} rows per request with batching on: the server parses one JSON body per ${rows} rows and its batching merges up to`,
    `  ${Math.floor(HEAVY_MAX_BATCH_SIZE / rows)} requests into one run. Mean batch size and model runs come from \`umbral_inference_batch_size\`, scraped when`,
    '  the window opens and closes.',
    '- Raw onnxruntime: as many worker threads as umbral has onnx workers, each with one session of the same file and umbral\'s session',
    '  options (1 intra-op and 1 inter-op thread, sequential, spinning off), calling `session.run()` in a tight loop on a batch of',
    '  the mean size umbral\'s batching reached in the run it is compared with (rounded). No HTTP, no JSON, no messages between',
    '  threads: it is the ceiling.',
    '',
  ];
}
