import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Tensor } from '../../protocol/tensor.js';
import type { LoadedModel } from '../backend.js';
import { OnnxBackend } from './onnx-backend.js';
import { OnnxWorkerPool } from './onnx-worker-pool.js';
import { doubleSumSample, HEAVY_WIDTH, writeTestModels, type TestModels } from '../../../test/support/backends/onnx/onnx-test-models.js';
import type { WireTensor } from './worker-messages.js';

const never = new AbortController().signal;

function heavyInput(rows = 512): Tensor {
  return { name: 'x', datatype: 'FP32', shape: [rows, HEAVY_WIDTH], data: new Float32Array(rows * HEAVY_WIDTH).fill(1) };
}

/** Settles `promise` into a label pushed onto `events`, so tests can assert the order things happened in. */
function record(events: string[], label: string, promise: Promise<unknown>): Promise<void> {
  return promise.then(() => void events.push(`${label} resolved`), () => void events.push(`${label} rejected`));
}

// One worker: which run is queued and which is running is then certain.
describe('onnx worker pool (one worker)', () => {
  let models: TestModels;
  let heavy: LoadedModel;
  let doubleSum: LoadedModel;
  const warnings: string[] = [];
  const backend = new OnnxBackend({ workers: 1, intraOpThreads: 1, logger: { warn: (_details, message) => void warnings.push(message) } });

  before(async () => {
    models = await writeTestModels();
    heavy = await backend.load({ model: 'heavy', version: '1', artifactPath: models.heavy });
    doubleSum = await backend.load({ model: 'double-sum', version: '1', artifactPath: models.doubleSum });
  });
  after(async () => {
    await heavy.release();
    await doubleSum.release();
    await backend.close();
    await rm(models.dir, { recursive: true, force: true });
  });

  it('keeps the event loop turning while a run executes', async () => {
    let ticks = 0;
    let running = true;
    const spin = () => {
      ticks += 1;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const { outputs } = await heavy.infer({ inputs: [heavyInput()], outputs: [] }, never);
    running = false;
    assert.equal(outputs[0]?.data[0], 1);
    // A run on this thread would let one or two callbacks through; a worker lets thousands.
    assert.ok(ticks > 20, `only ${ticks} event-loop turns happened during the run`);
  });

  it('drops a queued run whose signal aborts, before the running one finishes', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const reason = new Error('client went away');
    const first = record(events, 'running', heavy.infer({ inputs: [heavyInput()], outputs: [] }, never));
    const queued = doubleSum.infer({ inputs: [doubleSumSample(1).x], outputs: [] }, controller.signal);
    const second = record(events, 'queued', queued);
    controller.abort(reason);
    await Promise.all([first, second]);
    assert.deepEqual(events, ['queued rejected', 'running resolved']);
    await assert.rejects(queued, (error) => error === reason);
  });

  it('answers a running run that aborts at once, and the worker goes on serving', async () => {
    const events: string[] = [];
    const controller = new AbortController();
    const reason = new Error('deadline');
    const running = heavy.infer({ inputs: [heavyInput()], outputs: [] }, controller.signal);
    const after = record(events, 'next', doubleSum.infer({ inputs: [doubleSumSample(2).x], outputs: ['s'] }, never));
    const aborted = record(events, 'aborted', running);
    controller.abort(reason);
    await Promise.all([aborted, after]);
    assert.deepEqual(events, ['aborted rejected', 'next resolved']);
    await assert.rejects(running, (error) => error === reason);
  });

  it('replaces a worker that dies, which reloads its sessions, and keeps serving', async () => {
    await backend.terminateWorker(0);
    const { x, y, s } = doubleSumSample(3);
    assert.deepEqual((await doubleSum.infer({ inputs: [x], outputs: [] }, never)).outputs, [y, s]);
    assert.equal((await heavy.infer({ inputs: [heavyInput(1)], outputs: [] }, never)).outputs[0]?.data[0], 1);
    assert.ok(warnings.some((w) => /died/.test(w)), 'the death is logged');
  });
});

// A stand-in worker script: a thread that dies while a run is in flight, which a real one cannot
// be made to do without aborting the process.
describe('onnx worker pool (stand-in workers)', () => {
  const warnings: string[] = [];
  const pool = new OnnxWorkerPool({
    size: 1, intraOpThreads: 1, workerScript: new URL('../../../test/support/backends/onnx/fake-onnx-worker.js', import.meta.url),
    logger: { warn: (_details, message) => void warnings.push(message) },
  });
  const x: WireTensor = { name: 'x', type: 'float32', dims: [2], data: Float32Array.from([1, 2]) };
  after(() => pool.close());

  it('fails the runs of a dying worker with UMBRAL_ERR_BACKEND_FAILED; its replacement reloads and serves', async () => {
    await pool.load('m', 'a', 'a.onnx');
    const inFlight = pool.run({ model: 'm', key: 'hang', feeds: [x], fetches: [] }, never);
    const queued = pool.run({ model: 'm', key: 'a', feeds: [x], fetches: [] }, never);
    const crash = pool.load('m', 'b', 'crash');
    await assert.rejects(inFlight, (error: { code?: string; message?: string }) => {
      assert.equal(error.code, 'UMBRAL_ERR_BACKEND_FAILED');
      assert.match(error.message ?? '', /worker thread crashed: fake worker crashed on purpose/);
      return true;
    });
    await assert.rejects(crash, { code: 'UMBRAL_ERR_MODEL_LOAD_FAILED' });
    assert.deepEqual(await queued, [x], 'the queued run waits for the replacement, which has reloaded session a');
    assert.ok(warnings.some((w) => /died/.test(w)));
  });
});
