import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { MODELS_DIR, REPO_ROOT } from './build-all.js';

/** The samples the curl examples of README.md and docs/getting-started.md send. */
const SPAM = 'Make money fast, click here to claim your free cash prize today';
const HAM = 'The kernel compiles fine now, I will send the patch to the list tomorrow';

test('the committed spam classifier tells an obvious spam from an obvious ham', async () => {
  const session = await ort.InferenceSession.create(join(REPO_ROOT, MODELS_DIR, 'spam-classifier', '1', 'model.onnx'));
  const result = await session.run({ text: new ort.Tensor('string', [SPAM, HAM, ''], [3]) });
  await session.release();

  const probabilities = result['probabilities'];
  const label = result['label'];
  assert.ok(probabilities && label);
  assert.deepEqual(probabilities.dims, [3, 2]);
  assert.deepEqual(Array.from(label.data as BigInt64Array), [1n, 0n, 0n]);
  const rows = probabilities.data as Float32Array;
  assert.ok((rows[1] as number) > 0.9, `spam sample: p(spam) = ${rows[1]}`);
  assert.ok((rows[3] as number) < 0.5, `ham sample: p(spam) = ${rows[3]}`);
  for (let row = 0; row < 3; row++) {
    assert.ok(Math.abs((rows[2 * row] as number) + (rows[2 * row + 1] as number) - 1) < 1e-6, `row ${row} sums to 1`);
  }
});
