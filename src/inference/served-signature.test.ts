import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelSignature } from '../backends/backend.js';
import { modelConfigSchema } from '../model/model-config.js';
import { resolveServedSignature } from './served-signature.js';

const found: ModelSignature = {
  platform: 'onnxruntime_onnx',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, -1] }],
  outputs: [{ name: 'p', datatype: 'FP32', shape: [-1, 2] }],
};
const config = (yaml: object) => modelConfigSchema.parse(yaml);

describe('resolveServedSignature', () => {
  it('narrows variable dimensions and keeps labels', () => {
    const served = resolveServedSignature(found, config({
      max_batch_size: 8, input: [{ name: 'x', shape: [-1, 4] }], output: [{ name: 'p', labels: ['no', 'yes'] }],
    }));
    assert.ok(!('problems' in served));
    assert.deepEqual(served.signature.inputs[0]?.shape, [-1, 4]);
    assert.deepEqual(served.labels.get('p'), ['no', 'yes']);
  });

  it('lists every disagreement between model.yaml and the model', () => {
    const served = resolveServedSignature({ ...found, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3] }] }, config({
      max_batch_size: 4,
      input: [{ name: 'x', datatype: 'INT8', shape: [1, 5] }, { name: 'y' }],
      output: [{ name: 'p', labels: ['a', 'b', 'c'] }],
    }));
    assert.ok('problems' in served);
    const text = served.problems.join('\n');
    assert.match(text, /'y' is not an input/);
    assert.match(text, /says INT8 but the model has FP32/);
    assert.match(text, /shape \[1,5\] does not fit/);
    assert.match(text, /max_batch_size is 4 but 'x' has no variable first/);
    assert.match(text, /2 classes but 3 labels/);
  });
});
