import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { childEntry } from './child-entry.js';
import { summarise } from './latency-summary.js';
import type { RawOnnxPlan, RawOnnxResult } from './messages.js';
import type { RawWorkerReport } from './raw-onnx-worker.js';

/**
 * Child process: the heavy model's ceiling. As many worker threads as umbral has onnx workers, each
 * running batches of the size umbral's batches reached, in a tight loop; rows/s is the sum over the
 * workers. All workers load first, then start together, so that their windows overlap.
 */
childEntry('raw-onnx', async (plan: RawOnnxPlan): Promise<RawOnnxResult> => {
  const workers = Array.from({ length: plan.workers }, () => new Worker(new URL('./raw-onnx-worker.js', import.meta.url), { workerData: plan }));
  try {
    await Promise.all(workers.map((worker) => firstMessage(worker)));
    const reports = workers.map((worker) => firstMessage(worker) as Promise<RawWorkerReport>);
    for (const worker of workers) worker.postMessage('start');
    const measured = await Promise.all(reports);
    const rowsPerSecond = measured.reduce((sum, r) => sum + (r.windowMs > 0 ? (r.rows * 1000) / r.windowMs : 0), 0);
    const latencies = measured.flatMap((r) => r.runLatenciesMs);
    return { kind: 'raw-onnx-result', rowsPerSecond, runs: latencies.length, runLatency: summarise(latencies) };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
});

/** The next message of a worker; rejects if it fails or exits first. */
async function firstMessage(worker: Worker): Promise<unknown> {
  const [message] = await Promise.race([
    once(worker, 'message'),
    once(worker, 'exit').then(([code]) => { throw new Error(`raw onnx worker exited with code ${String(code)}`); }),
  ]);
  return message;
}
