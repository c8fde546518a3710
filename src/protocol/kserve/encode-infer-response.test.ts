import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInferRequest } from './decode-infer-request.js';
import { encodeInferResponse } from './encode-infer-response.js';
import type { ResponseTensor } from './encode-infer-response.js';

function encodeOne(output: ResponseTensor): unknown {
  const json = encodeInferResponse({ modelName: 'm', modelVersion: '1', outputs: [output] });
  return (JSON.parse(json) as { outputs: { data: unknown }[] }).outputs[0]?.data;
}

describe('encodeInferResponse', () => {
  it('encodes the spec response example (compared after JSON.parse, FP32 values through Math.fround)', () => {
    // inference_rest.md, "Inference Request Examples", verbatim. As written it is not JSON: a comma is
    // missing after "id" : "42", and it has no model_name although $inference_response requires one.
    const SPEC_RESPONSE = `{
      "id" : "42"
      "outputs" : [
        {
          "name" : "output0",
          "shape" : [ 3, 2 ],
          "datatype"  : "FP32",
          "data" : [ 1.0, 1.1, 2.0, 2.1, 3.0, 3.1 ]
        }
      ]
    }`;
    assert.throws(() => JSON.parse(SPEC_RESPONSE), SyntaxError);
    const expected = JSON.parse(SPEC_RESPONSE.replace('"42"\n', '"42",\n')) as {
      id: string;
      outputs: { name: string; shape: number[]; datatype: string; data: number[] }[];
    };
    const spec = expected.outputs[0];
    assert.ok(spec);

    const json = encodeInferResponse({
      modelName: 'mymodel',
      id: '42',
      outputs: [{ name: 'output0', datatype: 'FP32', shape: [3, 2], data: new Float32Array(spec.data) }],
    });
    const actual = JSON.parse(json) as typeof expected & { model_name: string };
    assert.equal(actual.model_name, 'mymodel');
    assert.equal(actual.id, expected.id);
    const output = actual.outputs[0];
    assert.deepEqual({ ...output, data: output?.data.map(Math.fround) }, { ...spec, data: spec.data.map(Math.fround) });
  });

  it('orders keys model_name, model_version, id, parameters, outputs and leaves unset ones out', () => {
    const full = encodeInferResponse({ modelName: 'm', modelVersion: '2', id: 'r', parameters: { p: 1 }, outputs: [] });
    assert.equal(full, '{"model_name":"m","model_version":"2","id":"r","parameters":{"p":1},"outputs":[]}');
    assert.equal(encodeInferResponse({ modelName: 'm', outputs: [] }), '{"model_name":"m","outputs":[]}');
  });

  it('writes each output as name, shape, datatype, parameters, data', () => {
    const json = encodeInferResponse({
      modelName: 'm',
      outputs: [{ name: 'o', datatype: 'INT32', shape: [2], data: new Int32Array([1, -2]), parameters: { binary_data: false } }],
    });
    assert.equal(json, '{"model_name":"m","outputs":[{"name":"o","shape":[2],"datatype":"INT32","parameters":{"binary_data":false},"data":[1,-2]}]}');
  });

  it('prints INT64 and UINT64 with every digit', () => {
    // Checked on the text: JSON.parse would round these to doubles.
    const text = encodeInferResponse({ modelName: 'm', outputs: [
      { name: 'a', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 9007199254740993n]) },
      { name: 'b', datatype: 'UINT64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
    ] });
    assert.match(text, /"data":\[-9223372036854775808,9007199254740993\]/);
    assert.match(text, /"data":\[18446744073709551615\]/);
  });

  it('prints INT64/UINT64 the same whether every value fits 32 bits (fast path) or not (bigint digits)', () => {
    const text = (datatype: 'INT64' | 'UINT64', data: BigInt64Array | BigUint64Array): string =>
      encodeInferResponse({ modelName: 'm', outputs: [{ name: 'o', datatype, shape: [data.length], data }] });
    assert.match(text('INT64', new BigInt64Array([0n, -1n, 2147483647n, -2147483648n])), /"data":\[0,-1,2147483647,-2147483648\]/);
    assert.match(text('INT64', new BigInt64Array([1n, 2147483648n])), /"data":\[1,2147483648\]/);
    assert.match(text('INT64', new BigInt64Array([1n, -2147483649n])), /"data":\[1,-2147483649\]/);
    assert.match(text('UINT64', new BigUint64Array([2147483647n, 0n])), /"data":\[2147483647,0\]/);
    assert.match(text('UINT64', new BigUint64Array([5n, 2147483648n, 4294967295n])), /"data":\[5,2147483648,4294967295\]/);
    // a view that starts inside its buffer
    const buffer = new BigInt64Array([9n, -7n, 8n]);
    assert.match(text('INT64', buffer.subarray(1)), /"data":\[-7,8\]/);
  });

  it('writes NaN and ±Infinity as null and keeps the finite values exact', () => {
    assert.deepEqual(encodeOne({ name: 'o', datatype: 'FP32', shape: [4], data: new Float32Array([1.5, NaN, Infinity, -Infinity]) }), [1.5, null, null, null]);
    assert.deepEqual(encodeOne({ name: 'o', datatype: 'FP64', shape: [2], data: new Float64Array([0.1, -Infinity]) }), [0.1, null]);
  });

  it('round-trips FP32 and FP64 values exactly', () => {
    // (-0 prints as 0, as JSON.stringify prints it.)
    const f32 = new Float32Array([1.1, 0, 3.4028234663852886e38, 1e-45, 0.3]);
    assert.deepEqual(new Float32Array(encodeOne({ name: 'o', datatype: 'FP32', shape: [5], data: f32 }) as number[]), f32);
    const f64 = new Float64Array([0.1, 5e-324, 1.7976931348623157e308, 1e21]);
    assert.deepEqual(encodeOne({ name: 'o', datatype: 'FP64', shape: [4], data: f64 }), [...f64]);
  });

  it('writes BOOL as true/false and BYTES as escaped JSON strings', () => {
    assert.deepEqual(encodeOne({ name: 'o', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 2]) }), [true, false, true]);
    const strings = ['a"b', '\\', '\n\u0000', '🙂', '\ud800', '</script>'];
    assert.deepEqual(encodeOne({ name: 'o', datatype: 'BYTES', shape: [6], data: strings }), strings);
  });

  it('escapes names, model names and ids', () => {
    const json = encodeInferResponse({ modelName: 'm"x', id: '\n', outputs: [{ name: 'o"', datatype: 'UINT8', shape: [0], data: new Uint8Array() }] });
    assert.deepEqual(JSON.parse(json), { model_name: 'm"x', id: '\n', outputs: [{ name: 'o"', shape: [0], datatype: 'UINT8', data: [] }] });
  });

  it('writes FP16 and BF16 as the numbers their bits hold', () => {
    // FP16 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504, 0x0001 = 2^-24, 0x7c00 = Infinity
    assert.deepEqual(encodeOne({ name: 'o', datatype: 'FP16', shape: [5], data: new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00]) }),
      [1, -2, 65504, 2 ** -24, null]);
    // BF16 0x3f80 = 1, 0xc040 = -3, 0x7fc0 = NaN
    assert.deepEqual(encodeOne({ name: 'o', datatype: 'BF16', shape: [3], data: new Uint16Array([0x3f80, 0xc040, 0x7fc0]) }), [1, -3, null]);
  });

  it('writes all integer widths', () => {
    const cases = [
      new Uint8Array([0, 255]), new Uint16Array([0, 65535]), new Uint32Array([0, 4294967295]),
      new Int8Array([-128, 127]), new Int16Array([-32768, 32767]), new Int32Array([-2147483648, 2147483647]),
    ];
    const datatypes = ['UINT8', 'UINT16', 'UINT32', 'INT8', 'INT16', 'INT32'] as const;
    cases.forEach((data, i) => assert.deepEqual(encodeOne({ name: 'o', datatype: datatypes[i] ?? 'UINT8', shape: [2], data }), [...data]));
  });

  it('encodes what the decoder read back to the same tensor (flat, row-major)', () => {
    const request = decodeInferRequest({ inputs: [{ name: 'x', datatype: 'INT32', shape: [2, 2], data: [[1, 2], [3, 4]] }] }, { maxElements: 10 });
    const tensor = request.inputs[0];
    assert.ok(tensor);
    assert.deepEqual(encodeOne(tensor), [1, 2, 3, 4]);
  });
});
