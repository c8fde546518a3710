import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { OnnxBackend } from '../../backends/onnx/onnx-backend.js';
import { writeTestModels, type TestModels } from '../../../test/support/backends/onnx/onnx-test-models.js';
import type { BatchRun } from './batch-observer.js';
import { ModelScheduler } from './model-scheduler.js';

describe('model scheduler over the onnx backend', () => {
  const backend = new OnnxBackend({ workers: 2, intraOpThreads: 1 });
  let models: TestModels;

  before(async () => {
    models = await writeTestModels();
  });
  after(async () => {
    await backend.close();
    await rm(models.dir, { recursive: true, force: true });
  });

  it('merges 32 concurrent one-row requests into fewer runs, each caller getting its own rows', async () => {
    const loaded = await backend.load({ model: 'double-sum', version: '1', artifactPath: models.doubleSum });
    const runs: BatchRun[] = [];
    const scheduler = new ModelScheduler(loaded, {
      model: 'double-sum', version: '1', maxBatchSize: 32, maxQueueDelayMicros: 0, preferredBatchSizes: [], maxQueueSize: 64,
      observer: { queueDepthChanged: () => {}, batchRan: (run) => runs.push(run) },
    });
    const never = new AbortController().signal;
    const rows = Array.from({ length: 32 }, (_, i) => Float32Array.from([i, i + 1, i + 2, i + 3]));
    const results = await Promise.all(rows.map((x) =>
      scheduler.infer({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: x }], outputs: [] }, never)));

    assert.ok(runs.length < 32, `${runs.length} runs`);
    assert.ok(runs.some((run) => run.size > 1));
    assert.equal(runs.reduce((sum, run) => sum + run.size, 0), 32);
    results.forEach((result, i) => {
      const byName = new Map(result.response.outputs.map((t) => [t.name, t]));
      assert.deepEqual(byName.get('y'), { name: 'y', datatype: 'FP32', shape: [1, 4], data: rows[i]?.map((v) => v * 2) });
      assert.deepEqual(byName.get('s'), { name: 's', datatype: 'FP32', shape: [1, 1], data: Float32Array.from([4 * i + 6]) });
    });
    await scheduler.close();
    await loaded.release();
  });
});
