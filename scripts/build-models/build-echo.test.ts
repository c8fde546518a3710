import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { FIXTURES_DIR, REPO_ROOT } from './build-all.js';

test('the echo fixture returns every datatype unchanged and sums fp32 rows', async () => {
  const session = await ort.InferenceSession.create(join(REPO_ROOT, FIXTURES_DIR, 'echo', '1', 'model.onnx'));
  const feeds: Record<string, ort.Tensor> = {
    fp32: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4, 5, 6.5), [2, 3]),
    fp64: new ort.Tensor('float64', Float64Array.of(1e300, -2, 3, 4, 5, 6), [2, 3]),
    int32: new ort.Tensor('int32', Int32Array.of(-1, 2, 3, 4, 5, 2147483647), [2, 3]),
    int64: new ort.Tensor('int64', BigInt64Array.of(-1n, 2n, 3n, 4n, 5n, 9007199254740993n), [2, 3]),
    uint8: new ort.Tensor('uint8', Uint8Array.of(0, 1, 255, 4, 5, 6), [2, 3]),
    bool: new ort.Tensor('bool', Uint8Array.of(1, 0, 1, 0, 0, 1), [2, 3]),
    bytes: new ort.Tensor('string', ['héllo', ''], [2]),
  };
  const result = await session.run(feeds);
  await session.release();

  for (const [name, input] of Object.entries(feeds)) {
    const output = result[`${name}_out`];
    assert.ok(output, `${name}_out is missing`);
    assert.equal(output.type, input.type, name);
    assert.deepEqual(output.dims, input.dims, name);
    assert.deepEqual(Array.from(output.data as ArrayLike<unknown>), Array.from(input.data as ArrayLike<unknown>), name);
  }
  assert.deepEqual(result['sum']?.dims, [2, 1]);
  assert.deepEqual(Array.from(result['sum']?.data as Float32Array), [6, 15.5]);
});
