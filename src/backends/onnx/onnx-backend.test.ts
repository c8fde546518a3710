import assert from 'node:assert/strict';
import { residentAfterGc } from '../../../test/support/resident-after-gc.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Tensor } from '../../protocol/tensor.js';
import { backendContract } from '../../../test/support/backends/backend-contract.js';
import { OnnxBackend } from './onnx-backend.js';
import { doubleSumSample, writeTestModels, type TestModels } from '../../../test/support/backends/onnx/onnx-test-models.js';

const never = new AbortController().signal;

backendContract('onnx', async () => {
  const models = await writeTestModels();
  return {
    backend: new OnnxBackend({ workers: 2, intraOpThreads: 1 }),
    valid: { model: 'double-sum', version: '1', artifactPath: models.doubleSum },
    broken: { model: 'broken', version: '1', artifactPath: models.corrupt },
    sample: (i) => {
      const { x, y, s } = doubleSumSample(i);
      return { request: { inputs: [x], outputs: [] }, expected: [y, s] };
    },
    cleanup: () => rm(models.dir, { recursive: true, force: true }),
  };
});

describe('onnx backend', () => {
  let models: TestModels;
  const backend = new OnnxBackend({ workers: 2, intraOpThreads: 1 });
  const load = (name: keyof TestModels, model = name) =>
    backend.load({ model, version: '1', artifactPath: models[name] });
  const loadFailure = async (name: keyof TestModels | string) => {
    const artifactPath = name in models ? models[name as keyof TestModels] : name;
    const error = await backend.load({ model: 'm', version: '1', artifactPath }).then(() => undefined, (e: unknown) => e);
    assert.equal((error as { code?: string }).code, 'UMBRAL_ERR_MODEL_LOAD_FAILED');
    return (error as Error).message;
  };

  before(async () => {
    models = await writeTestModels();
  });
  after(async () => {
    await backend.close();
    await rm(models.dir, { recursive: true, force: true });
  });

  it('maps every onnx element type to the protocol datatype, symbolic dims to -1', async () => {
    const loaded = await load('allTypes');
    const expected: Record<string, string> = {
      bool: 'BOOL', int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64', uint8: 'UINT8', uint16: 'UINT16',
      uint32: 'UINT32', uint64: 'UINT64', float16: 'FP16', float32: 'FP32', float64: 'FP64', string: 'BYTES',
    };
    assert.equal(loaded.signature.platform, 'onnxruntime_onnx');
    assert.equal(loaded.concurrency, 2);
    assert.deepEqual(
      loaded.signature.inputs.map((s) => [s.name, s.datatype, s.shape]),
      Object.entries(expected).map(([type, datatype]) => [`in_${type}`, datatype, [-1]]),
    );
    assert.deepEqual(loaded.signature.outputs.map((s) => s.name), Object.keys(expected).map((type) => `out_${type}`));
    await loaded.release();
  });

  it('carries every datatype through a run unchanged, BYTES and INT64 included', async () => {
    const loaded = await load('allTypes');
    const data: Record<string, Tensor['data']> = {
      bool: Uint8Array.from([1, 0, 1]), int8: Int8Array.from([-128, 0, 127]), int16: Int16Array.from([-300, 0, 300]),
      int32: Int32Array.from([-70000, 1, 70000]), int64: BigInt64Array.from([-(2n ** 62n), 0n, 2n ** 62n]),
      uint8: Uint8Array.from([0, 1, 255]), uint16: Uint16Array.from([0, 1, 65535]), uint32: Uint32Array.from([0, 1, 2 ** 32 - 1]),
      uint64: BigUint64Array.from([0n, 1n, 2n ** 63n]), float16: Uint16Array.from([0x3c00, 0, 0xc000]),
      float32: Float32Array.from([0.5, -1, 3]), float64: Float64Array.from([Math.PI, -0, 1e300]), string: ['a', 'héllo wörld', ''],
    };
    const inputs = Object.entries(data).map(([type, values]): Tensor => ({
      name: `in_${type}`, datatype: loaded.signature.inputs.find((s) => s.name === `in_${type}`)?.datatype ?? 'FP32', shape: [3], data: values,
    }));
    const { outputs } = await loaded.infer({ inputs, outputs: [] }, never);
    for (const input of inputs) {
      const output = outputs.find((o) => o.name === input.name.replace('in_', 'out_'));
      assert.ok(output, input.name);
      assert.equal(output.datatype, input.datatype);
      assert.deepEqual(output.shape, [3]);
      assert.deepEqual(output.data, input.data, input.name);
    }
    await loaded.release();
  });

  it('takes and returns BYTES tensors as strings', async () => {
    const loaded = await load('strings');
    const text: Tensor = { name: 'text', datatype: 'BYTES', shape: [2], data: ['bonjour', '日本語'] };
    const { outputs } = await loaded.infer({ inputs: [text], outputs: ['echo'] }, never);
    assert.deepEqual(outputs, [{ name: 'echo', datatype: 'BYTES', shape: [2], data: ['bonjour', '日本語'] }]);
    await loaded.release();
  });

  it('says why a file cannot load: missing, not ONNX, unsupported types', async () => {
    assert.match(await loadFailure(join(models.dir, 'nothing-here.onnx')), /file not found: .*nothing-here\.onnx/);
    assert.match(await loadFailure(models.dir), /not a file/);
    assert.match(await loadFailure('corrupt'), /not a valid ONNX model/);
    assert.match(await loadFailure('sequence'), /output 'seq' is not a tensor/);
    assert.match(await loadFailure('bfloat16'), /element type/);
  });

  it('fails a run that onnxruntime refuses with UMBRAL_ERR_BACKEND_FAILED, then keeps serving', async () => {
    const loaded = await load('doubleSum');
    const wrong: Tensor = { name: 'x', datatype: 'FP32', shape: [2, 3], data: new Float32Array(6) };
    await assert.rejects(loaded.infer({ inputs: [wrong], outputs: [] }, never), (error: { code?: string }) => {
      assert.equal(error.code, 'UMBRAL_ERR_BACKEND_FAILED');
      return true;
    });
    const { x, s } = doubleSumSample(4);
    assert.deepEqual((await loaded.infer({ inputs: [x], outputs: ['s'] }, never)).outputs, [s]);
    await loaded.release();
  });

  it('copies a typed-array view down to its own elements before posting it', async () => {
    const loaded = await load('doubleSum');
    const { x, y } = doubleSumSample(2);
    const big = new Float32Array(1024);
    big.set(x.data as Float32Array, 100);
    const view: Tensor = { ...x, data: big.subarray(100, 108) };
    const { outputs } = await loaded.infer({ inputs: [view], outputs: ['y'] }, never);
    assert.deepEqual(outputs[0]?.data, y.data);
    assert.equal(big.length, 1024, 'the caller keeps its buffer');
    await loaded.release();
  });

  it('leaves resident memory flat over many loads and releases', async () => {
    const x: Tensor = { name: 'x', datatype: 'FP32', shape: [1, 1024], data: new Float32Array(1024).fill(1) };
    const cycle = async () => {
      const loaded = await load('large');
      assert.equal((await loaded.infer({ inputs: [x], outputs: [] }, never)).outputs[0]?.data[0], 1);
      await loaded.release();
    };
    for (let i = 0; i < 5; i++) await cycle();
    const before = residentAfterGc();
    for (let i = 0; i < 40; i++) await cycle();
    // A leaked session would hold its 4 MiB weight in each of the 2 workers: 320 MiB over 40 cycles.
    // The bound sits halfway, above the noise a busy machine adds (CI once saw 100 MiB without a GC).
    const grownMiB = (residentAfterGc() - before) / 2 ** 20;
    assert.ok(grownMiB < 160, `resident memory grew by ${grownMiB.toFixed(1)} MiB`);
  });
});
