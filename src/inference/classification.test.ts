import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import type { Datatype } from '../protocol/kserve/datatypes.js';
import type { Tensor, TensorData } from '../protocol/tensor.js';
import { classify } from './classification.js';

function tensor(datatype: Datatype, shape: number[], data: TensorData): Tensor {
  return { name: 'output0', datatype, shape, data };
}

describe('classify (Triton classification extension)', () => {
  it("reproduces extension_classification.md's first example exactly: [1, 5, 10, 4], top-2", () => {
    // "the returned tensor will be [ “10:2”, “5:1” ] … [ “10:2:apple”, “5:1:pickle” ]"
    const output = tensor('INT32', [4], new Int32Array([1, 5, 10, 4]));
    assert.deepEqual(classify(output, 2).data, ['10:2', '5:1']);
    assert.deepEqual(classify(output, 2, ['', 'pickle', 'apple', '']).data, ['10:2:apple', '5:1:pickle']);
  });

  it('answers the REST example ([1.1, 3.3, 0.5, 2.4], classification 2) with the values as Triton prints floats', () => {
    // The doc shows "3.3:1", "2.4:3" with datatype "STRING"; Triton's code (src/classification.cc)
    // prints std::to_string(float), i.e. "3.300000", and names the type BYTES.
    const result = classify(tensor('FP32', [4], new Float32Array([1.1, 3.3, 0.5, 2.4])), 2);
    assert.deepEqual(result, { name: 'output0', datatype: 'BYTES', shape: [2], data: ['3.300000:1', '2.400000:3'] });
    const doc = ['3.3:1', '2.4:3'];
    result.data.forEach((text, i) => {
      const [value, index] = String(text).split(':');
      const [docValue, docIndex] = (doc[i] ?? '').split(':');
      assert.equal(Math.fround(Number(value)), Math.fround(Number(docValue)));
      assert.equal(index, docIndex);
    });
    const labelled = classify(tensor('FP32', [4], new Float32Array([1.1, 3.3, 0.5, 2.4])), 2,
      ['index_0_label', 'index_1_label', 'index_2_label', 'index_3_label']);
    assert.deepEqual(labelled.data, ['3.300000:1:index_1_label', '2.400000:3:index_3_label']);
  });

  it('classifies each row of a batched [batch, classes] output, with labels by class index', () => {
    const output = tensor('FP32', [2, 3], new Float32Array([0.1, 0.7, 0.2, 0.5, 0.25, 0.25]));
    const result = classify(output, 2, ['a', 'b', 'c']);
    assert.deepEqual(result.shape, [2, 2]);
    assert.deepEqual(result.data, ['0.700000:1:b', '0.200000:2:c', '0.500000:0:a', '0.250000:1:b']);
  });

  it('clamps k above the class count to the class count, as Triton does', () => {
    assert.deepEqual(classify(tensor('UINT8', [3], new Uint8Array([3, 9, 1])), 10), {
      name: 'output0', datatype: 'BYTES', shape: [3], data: ['9:1', '3:0', '1:2'],
    });
    assert.deepEqual(classify(tensor('FP32', [2, 2], new Float32Array([1, 2, 3, 4])), 5).shape, [2, 2]);
  });

  it('treats every element as one row when the model has no batch dimension', () => {
    const result = classify(tensor('FP64', [2, 2], new Float64Array([1, 4, 3, 2])), 2, undefined, false);
    assert.deepEqual(result.shape, [2]);
    assert.deepEqual(result.data, ['4.000000:1', '3.000000:2']);
  });

  it('keeps index order among equal values and ranks NaN last', () => {
    assert.deepEqual(classify(tensor('FP32', [4], new Float32Array([NaN, 1, 2, 1])), 4).data,
      ['2.000000:2', '1.000000:1', '1.000000:3', 'nan:0']);
  });

  it('prints INT64 and UINT64 values with every digit', () => {
    const output = tensor('INT64', [3], new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]));
    assert.deepEqual(classify(output, 2).data, ['9223372036854775807:1', '0:2']);
    assert.deepEqual(classify(tensor('UINT64', [2], new BigUint64Array([1n, 2n ** 64n - 1n])), 1).data, ['18446744073709551615:1']);
  });

  it('reads FP16 and BF16 outputs', () => {
    assert.deepEqual(classify(tensor('FP16', [2], new Uint16Array([0x3c00, 0x4000])), 1).data, ['2.000000:1']);
    assert.deepEqual(classify(tensor('BF16', [2], new Uint16Array([0x3f80, 0xbf80])), 1).data, ['1.000000:0']);
  });

  it('selects the same top-k by insertion (small k) as by sorting (large k)', () => {
    const values = Float32Array.from({ length: 500 }, (_, i) => Math.fround(Math.sin(i * 7.3) * 100) / 4);
    const output = tensor('FP32', [500], values);
    const small = classify(output, 64).data as string[];
    const large = classify(output, 400).data as string[];
    assert.deepEqual(small, large.slice(0, 64));
    const indices = large.map((text) => Number(text.split(':')[1]));
    for (let i = 1; i < indices.length; i++) {
      const [a, b] = [values[indices[i - 1] as number] as number, values[indices[i] as number] as number];
      assert.ok(a > b || (a === b && (indices[i - 1] as number) < (indices[i] as number)), `order broken at ${i}`);
    }
  });

  it('refuses a k that is not a positive integer with the catalogue error', () => {
    const output = tensor('FP32', [2], new Float32Array([1, 2]));
    for (const k of [0, -1, 1.5, '2', true, NaN, null, undefined]) {
      assert.throws(() => classify(output, k), (error: unknown) => isUmbralError(error) && error.code === Errors.invalidParameter.code);
    }
  });

  it('refuses BOOL and BYTES outputs', () => {
    for (const output of [tensor('BOOL', [2], new Uint8Array([0, 1])), tensor('BYTES', [1], ['a'])]) {
      assert.throws(() => classify(output, 1), (error: unknown) => isUmbralError(error) && /numeric output/.test(error.message));
    }
  });
});
