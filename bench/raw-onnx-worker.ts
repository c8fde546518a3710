import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { RawOnnxPlan } from './messages.js';

/** What one raw worker measured. */
export interface RawWorkerReport {
  readonly rows: number;
  readonly windowMs: number;
  readonly runLatenciesMs: readonly number[];
}

const MAX_RUNS = 1_000_000;

/**
 * Worker thread of the raw baseline: one session with umbral's session options
 * (src/backends/onnx/onnx-worker.ts), one input batch built once, session.run() in a tight loop.
 * No messaging, no copies, no HTTP: the ceiling of what the same hardware gives per worker.
 */
const plan = workerData as RawOnnxPlan;
const session = await InferenceSession.create(plan.modelPath, {
  intraOpNumThreads: plan.intraOpThreads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
});
const [inputName = ''] = session.inputNames;
if (inputName === '') throw new Error(`${plan.modelPath} has no input`);
const data = Float32Array.from({ length: plan.batchSize * plan.rowWidth }, () => Math.random() * 2 - 1);

parentPort?.postMessage('ready');
parentPort?.once('message', () => {
  void measure().then((report) => parentPort?.postMessage(report));
});

async function measure(): Promise<RawWorkerReport> {
  const start = performance.now() + plan.warmupMs;
  const end = start + plan.durationMs;
  const runLatenciesMs: number[] = [];
  let finished = performance.now();
  for (let k = 0; k < MAX_RUNS && finished < end; k++) {
    const began = performance.now();
    // A fresh Tensor per run, as umbral's worker builds one from every message.
    await session.run({ [inputName]: new Tensor('float32', data, [plan.batchSize, plan.rowWidth]) });
    finished = performance.now();
    if (began >= start) runLatenciesMs.push(finished - began);
  }
  await session.release();
  const windowMs = finished - Math.min(start, finished);
  return { rows: runLatenciesMs.length * plan.batchSize, windowMs, runLatenciesMs };
}
