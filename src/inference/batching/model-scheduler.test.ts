import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackendInferRequest, BackendInferResponse, LoadedModel } from '../../backends/backend.js';
import type { Tensor } from '../../protocol/tensor.js';
import type { BatchRun } from './batch-observer.js';
import { ModelScheduler, type ModelSchedulerOptions } from './model-scheduler.js';

const never = new AbortController().signal;

/**
 * A LoadedModel that records the requests it runs and answers each input `n` with an output
 * `n_out` holding the same values. While `held`, runs wait for `open()`.
 */
class RecordingModel implements LoadedModel {
  readonly signature = { platform: 'fake', inputs: [], outputs: [] };
  readonly runs: BackendInferRequest[] = [];
  held = false;
  /** Rewrites the response (to fake a model without a batch dimension). */
  reshape?: (response: BackendInferResponse) => BackendInferResponse;
  #gate: (() => void)[] = [];

  constructor(readonly concurrency = 1) {}

  async infer(request: BackendInferRequest): Promise<BackendInferResponse> {
    this.runs.push(request);
    if (this.held) await new Promise<void>((resolve) => this.#gate.push(resolve));
    else await Promise.resolve();
    const outputs = request.inputs.map((t) => ({ ...t, name: `${t.name}_out` }))
      .filter((t) => request.outputs.length === 0 || request.outputs.includes(t.name));
    return this.reshape ? this.reshape({ outputs }) : { outputs };
  }

  /** Lets every held run finish, and the next ones run freely. */
  open(): void {
    this.held = false;
    for (const resolve of this.#gate.splice(0)) resolve();
  }

  /** Lets the oldest held run finish; later ones are still held. */
  releaseOldest(): void {
    this.#gate.shift()?.();
  }

  rowsPerRun(): number[] {
    return this.runs.map((r) => r.inputs[0]?.shape[0] ?? 0);
  }

  async release(): Promise<void> {}
}

function scheduler(model: LoadedModel, options: Partial<ModelSchedulerOptions> = {}) {
  const depths: number[] = [];
  const batches: BatchRun[] = [];
  const instance = new ModelScheduler(model, {
    model: 'm', version: '1', maxBatchSize: 8, maxQueueDelayMicros: 0, preferredBatchSizes: [], maxQueueSize: 100,
    observer: { queueDepthChanged: (depth) => depths.push(depth), batchRan: (run) => batches.push(run) },
    ...options,
  });
  return { instance, depths, batches };
}

/** A request of `rows` rows of width `width`, its values starting at `base`. */
function rowsRequest(base: number, rows = 1, width = 2, outputs: string[] = []): BackendInferRequest {
  const data = Float32Array.from({ length: rows * width }, (_, i) => base + i);
  return { inputs: [{ name: 'x', datatype: 'FP32', shape: [rows, width], data }], outputs };
}

function assertOwnRows(request: BackendInferRequest, outputs: readonly Tensor[]): void {
  const input = request.inputs[0];
  assert.ok(input);
  assert.deepEqual(outputs, [{ ...input, name: 'x_out' }]);
}

describe('model scheduler', () => {
  it('merges concurrent compatible requests and gives each caller exactly its rows', async () => {
    const model = new RecordingModel();
    const { instance, batches } = scheduler(model);
    const requests = [rowsRequest(0), rowsRequest(10, 2), rowsRequest(20), rowsRequest(30, 3), rowsRequest(40)];
    const results = await Promise.all(requests.map((r) => instance.infer(r, never)));
    // The first runs alone on the free slot; the others queue behind it and merge.
    assert.deepEqual(model.rowsPerRun(), [1, 7]);
    results.forEach((result, i) => assertOwnRows(requests[i] as BackendInferRequest, result.response.outputs));
    assert.deepEqual(results.map((r) => r.batchSize), [1, 7, 7, 7, 7]);
    assert.deepEqual(batches.map((b) => [b.size, b.requests, b.ok]), [[1, 1, true], [7, 4, true]]);
  });

  it('merges BYTES inputs and splits them back', async () => {
    const model = new RecordingModel();
    const { instance } = scheduler(model);
    const text = (values: string[]): BackendInferRequest => ({ inputs: [{ name: 't', datatype: 'BYTES', shape: [values.length], data: values }], outputs: [] });
    const requests = [text(['a']), text(['b', 'c']), text(['d'])];
    const results = await Promise.all(requests.map((r) => instance.infer(r, never)));
    assert.deepEqual(model.rowsPerRun(), [1, 3]);
    assert.deepEqual(model.runs[1]?.inputs[0]?.data, ['b', 'c', 'd']);
    assert.deepEqual(results.map((r) => r.response.outputs[0]?.data), [['a'], ['b', 'c'], ['d']]);
  });

  it('does not merge requests of other shapes or other outputs, and keeps them queued in order', async () => {
    const model = new RecordingModel();
    const { instance } = scheduler(model);
    const requests = [rowsRequest(0), rowsRequest(10, 1, 3), rowsRequest(20), rowsRequest(30, 1, 3), rowsRequest(40, 1, 2, ['x_out'])];
    const results = await Promise.all(requests.map((r) => instance.infer(r, never)));
    // The first runs alone; then B merges with B (passing A), and A runs apart from C, which asks for other outputs.
    assert.deepEqual(model.runs.map((r) => [r.inputs[0]?.shape, r.outputs]), [
      [[1, 2], []], [[2, 3], []], [[1, 2], []], [[1, 2], ['x_out']],
    ]);
    results.forEach((result, i) => assertOwnRows(requests[i] as BackendInferRequest, result.response.outputs));
  });

  it('never puts more than maxBatchSize rows in one run', async () => {
    const model = new RecordingModel();
    const { instance } = scheduler(model, { maxBatchSize: 4 });
    const requests = [1, 1, 1, 2, 1, 3, 1, 1, 4, 1].map((rows, i) => rowsRequest(i * 100, rows));
    const results = await Promise.all(requests.map((r) => instance.infer(r, never)));
    assert.ok(model.rowsPerRun().every((rows) => rows <= 4), `runs of ${model.rowsPerRun().join(', ')} rows`);
    assert.equal(model.rowsPerRun().reduce((a, b) => a + b), 16);
    assert.ok(model.runs.length < requests.length);
    results.forEach((result, i) => assertOwnRows(requests[i] as BackendInferRequest, result.response.outputs));
    await assert.rejects(instance.infer(rowsRequest(0, 5), never), { code: 'UMBRAL_ERR_BATCH_TOO_LARGE' });
  });

  it('never merges for a model without a batch dimension (maxBatchSize 0)', async () => {
    const model = new RecordingModel();
    const { instance } = scheduler(model, { maxBatchSize: 0 });
    const results = await Promise.all([0, 1, 2, 3].map((i) => instance.infer(rowsRequest(i * 10), never)));
    assert.deepEqual(model.rowsPerRun(), [1, 1, 1, 1]);
    assert.deepEqual(results.map((r) => r.batchSize), [1, 1, 1, 1]);
  });

  it('takes a lone request at once when the model is idle, whatever the delay', async () => {
    const model = new RecordingModel(1);
    const { instance } = scheduler(model, { maxQueueDelayMicros: 3_600_000_000 });
    const pending = instance.infer(rowsRequest(0), never);
    assert.deepEqual(model.rowsPerRun(), [1]);
    assert.equal((await pending).batchSize, 1);
  });

  it('dispatches a preferred batch size at once instead of waiting out the delay', async () => {
    const model = new RecordingModel(2);
    model.held = true;
    const { instance } = scheduler(model, { maxQueueDelayMicros: 3_600_000_000, preferredBatchSizes: [3] });
    // The first request finds the model idle and runs at once; from then on the model is busy.
    const busy = instance.infer(rowsRequest(100), never);
    const pending = [0, 1, 2, 3].map((i) => instance.infer(rowsRequest(i * 10), never));
    try {
      // Dispatch happens inside the call that completes the batch; the fourth request waits its hour.
      assert.deepEqual(model.rowsPerRun(), [1, 3]);
      assert.equal(instance.queueDepth, 1);
    } finally {
      model.open();
      await instance.close();
    }
    await busy;
    assert.deepEqual((await Promise.all(pending)).map((r) => r.batchSize), [3, 3, 3, 1]);
  });

  it('dispatches a full batch at once, and what there is once the delay has passed', async () => {
    const model = new RecordingModel(2);
    model.held = true;
    const full = scheduler(model, { maxBatchSize: 2, maxQueueDelayMicros: 3_600_000_000 });
    const busy = full.instance.infer(rowsRequest(9), never);
    const pending = [0, 1].map((i) => full.instance.infer(rowsRequest(i), never));
    try {
      assert.deepEqual(model.rowsPerRun(), [1, 2]);
    } finally {
      model.open();
      await full.instance.close();
    }
    await Promise.all([busy, ...pending]);

    const slow = new RecordingModel(2);
    slow.held = true;
    const late = scheduler(slow, { maxBatchSize: 8, maxQueueDelayMicros: 1000 });
    const first = late.instance.infer(rowsRequest(9), never);
    const waiting = [0, 1].map((i) => late.instance.infer(rowsRequest(i), never));
    assert.deepEqual(slow.rowsPerRun(), [1], 'below every size, the batch waits for the delay while the model is busy');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(slow.rowsPerRun(), [1, 2], 'once the delay has passed, what there is runs');
    slow.open();
    await Promise.all([first, ...waiting]);
  });

  it('refuses a request beyond the queue bound with UMBRAL_ERR_QUEUE_FULL and a retry delay', async () => {
    const model = new RecordingModel(1);
    model.held = true;
    const { instance } = scheduler(model, { maxBatchSize: 0, maxQueueSize: 2 });
    const accepted = [0, 1, 2].map((i) => instance.infer(rowsRequest(i), never));
    assert.equal(instance.queueDepth, 2, 'one runs, two wait');
    await assert.rejects(instance.infer(rowsRequest(3), never), (error: { code?: string; status?: number; retryAfterSeconds?: number }) => {
      assert.equal(error.code, 'UMBRAL_ERR_QUEUE_FULL');
      assert.equal(error.status, 503);
      assert.ok((error.retryAfterSeconds ?? 0) >= 1);
      return true;
    });
    model.open();
    assert.equal((await Promise.all(accepted)).length, 3);
  });

  it('takes a cancelled request out of the queue and rejects it with the signal reason', async () => {
    const model = new RecordingModel(1);
    model.held = true;
    const { instance, depths } = scheduler(model);
    const running = instance.infer(rowsRequest(0), never);
    const controller = new AbortController();
    const cancelled = instance.infer(rowsRequest(10), controller.signal);
    const kept = instance.infer(rowsRequest(20), never);
    const reason = new Error('client closed the connection');
    controller.abort(reason);
    await assert.rejects(cancelled, (error) => error === reason);
    assert.equal(instance.queueDepth, 1);
    model.open();
    await Promise.all([running, kept]);
    assert.deepEqual(model.runs.map((r) => r.inputs[0]?.data[0]), [0, 20], 'the cancelled rows never run');
    assert.deepEqual(depths, [1, 0, 1, 2, 1, 0]);
  });

  it('answers a caller that aborts during its run at once; the others in the batch still get theirs', async () => {
    const model = new RecordingModel(1);
    const { instance } = scheduler(model);
    model.held = true;
    const first = instance.infer(rowsRequest(0), never);
    const controller = new AbortController();
    const leaving = instance.infer(rowsRequest(10), controller.signal);
    const staying = instance.infer(rowsRequest(20), never);
    model.releaseOldest();
    await first;
    assert.deepEqual(model.rowsPerRun(), [1, 2], 'leaving and staying run together, and are held');
    controller.abort(new Error('gone'));
    await assert.rejects(leaving, /gone/);
    model.open();
    assertOwnRows(rowsRequest(20), (await staying).response.outputs);
  });

  it('fails every request of a merged run whose output has no batch dimension', async () => {
    const model = new RecordingModel(1);
    model.reshape = () => ({ outputs: [{ name: 'x_out', datatype: 'FP32', shape: [1], data: new Float32Array(1) }] });
    const { instance, batches } = scheduler(model);
    const results = await Promise.allSettled([0, 1, 2].map((i) => instance.infer(rowsRequest(i), never)));
    assert.equal(results[0]?.status, 'fulfilled', 'a request alone is passed through');
    for (const result of results.slice(1)) {
      assert.equal(result.status, 'rejected');
      assert.equal((result.reason as { code?: string }).code, 'UMBRAL_ERR_BACKEND_FAILED');
      assert.match(String(result.reason), /no batch dimension|max_batch_size 0/);
    }
    assert.deepEqual(batches.map((b) => b.ok), [true, false]);
  });

  it('drains queued and running requests; after close it refuses new ones and serves the accepted', async () => {
    const model = new RecordingModel(1);
    model.held = true;
    const { instance } = scheduler(model, { maxQueueDelayMicros: 3_600_000_000 });
    await instance.drain();
    const events: string[] = [];
    const accepted = [0, 1, 2].map((i) => instance.infer(rowsRequest(i), never).then(() => void events.push(`answered ${i}`)));
    const closed = instance.close().then(() => void events.push('closed'));
    await assert.rejects(instance.infer(rowsRequest(9), never), { code: 'UMBRAL_ERR_SHUTTING_DOWN' });
    model.open();
    await Promise.all([...accepted, closed]);
    assert.equal(events.at(-1), 'closed');
    assert.equal(events.length, 4);
  });
});
