import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manifestSchema, type Manifest } from '../model/manifest.js';
import { signatureDifferences } from './signature-check.js';

const manifest = (inputs: unknown, outputs: unknown): Manifest => manifestSchema.parse({ inputs, outputs });
const serving = manifest([{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }]);

describe('signatureDifferences', () => {
  it('accepts the same signature, a fixed size where the serving version takes any, and an added output', () => {
    assert.deepEqual(signatureDifferences(serving, serving), []);
    assert.deepEqual(signatureDifferences(manifest([{ name: 'x', datatype: 'FP32', shape: [8, 4] }],
      [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }, { name: 'p', datatype: 'FP32', shape: [-1, 2] }]), serving), []);
  });

  it('names every difference of inputs and outputs', () => {
    const other = manifest([{ name: 'x', datatype: 'INT64', shape: [-1, 7] }, { name: 'z', datatype: 'FP32', shape: [-1] }],
      [{ name: 'label', datatype: 'INT64', shape: [-1] }]);
    assert.deepEqual(signatureDifferences(other, serving), [
      "input 'x' is INT64, not FP32",
      "input 'x' has shape [-1, 7], not [-1, 4]",
      "input 'z' is new (clients do not send it)",
      "output 'y' is missing",
    ]);
  });

  it('has nothing to compare where a manifest lists no tensors (a remote model)', () => {
    assert.deepEqual(signatureDifferences(manifestSchema.parse({ backend: 'openai' }), serving), []);
  });
});
