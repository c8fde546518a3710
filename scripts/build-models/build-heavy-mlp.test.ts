import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { MODELS_DIR, REPO_ROOT } from './build-all.js';

test('the heavy MLP maps a batch of 256-vectors to 10 logits each, row by row', async () => {
  const session = await ort.InferenceSession.create(join(REPO_ROOT, MODELS_DIR, 'heavy-mlp', '1', 'model.onnx'));
  const batch = Float32Array.from({ length: 4 * 256 }, (_, i) => Math.sin(i));
  const all = await session.run({ input: new ort.Tensor('float32', batch, [4, 256]) });
  const third = await session.run({ input: new ort.Tensor('float32', batch.slice(2 * 256, 3 * 256), [1, 256]) });
  await session.release();

  const logits = all['logits'];
  assert.ok(logits);
  assert.deepEqual(logits.dims, [4, 10]);
  const values = Array.from(logits.data as Float32Array);
  assert.ok(values.every(Number.isFinite));
  assert.ok(values.some((v) => v !== 0), 'a random network gives non-zero logits');
  const alone = Array.from(third['logits']?.data as Float32Array);
  alone.forEach((v, i) => assert.ok(Math.abs(v - (values[20 + i] as number)) < 1e-4, 'a row does not depend on its batch'));
});
