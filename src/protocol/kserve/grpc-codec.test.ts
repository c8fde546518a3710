import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../tensor.js';
import { decodeGrpcInferRequest, encodeGrpcInferResponse } from './grpc-codec.js';
import type { GrpcInferInputTensor, GrpcModelInferRequest } from './grpc-wire-types.js';
import { ProtocolError, type ProtocolErrorKind } from './protocol-error.js';
import { decodeRawContents, encodeRawContents } from './raw-contents.js';

const limits = { maxElements: 1000 };
const bytes = (...values: number[]) => Uint8Array.from(values);

/** A BYTES element in raw form: 4-byte little-endian length, then the bytes. */
function prefixed(...elements: Uint8Array[]): Uint8Array {
  const parts = elements.flatMap((e) => [bytes(e.length & 0xff, (e.length >> 8) & 0xff, (e.length >> 16) & 0xff, e.length >>> 24), e]);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** `run` throws a ProtocolError of `kind` whose message (`kind: arg: arg…`) matches. */
function refuses(kind: ProtocolErrorKind, message: RegExp, run: () => unknown): void {
  assert.throws(run, (error: unknown) => error instanceof ProtocolError && error.kind === kind && message.test(error.message));
}

const one = (input: GrpcInferInputTensor, raw?: Uint8Array): GrpcModelInferRequest =>
  ({ model_name: 'm', inputs: [input], ...(raw ? { raw_input_contents: [raw] } : {}) });

describe('raw contents: little-endian elements', () => {
  it('reads every fixed-size datatype little-endian, whatever the alignment of the buffer', () => {
    const shifted = new Uint8Array(9).subarray(1);
    shifted.set(bytes(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08));
    assert.deepEqual(decodeRawContents('x', 'UINT16', 4, shifted), Uint16Array.of(0x0201, 0x0403, 0x0605, 0x0807));
    assert.deepEqual(decodeRawContents('x', 'INT32', 2, shifted), Int32Array.of(0x04030201, 0x08070605));
    assert.deepEqual(decodeRawContents('x', 'UINT64', 1, shifted), BigUint64Array.of(0x0807060504030201n));
    assert.deepEqual(decodeRawContents('x', 'FP32', 1, bytes(0x00, 0x00, 0x80, 0x3f)), Float32Array.of(1));
    assert.deepEqual(decodeRawContents('x', 'FP16', 1, bytes(0x00, 0x3c)), Uint16Array.of(0x3c00));
    assert.deepEqual(decodeRawContents('x', 'INT8', 2, bytes(0xff, 0x7f)), Int8Array.of(-1, 127));
  });

  it('round-trips every datatype through encode and decode', () => {
    const samples: Tensor[] = [
      { name: 'a', datatype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
      { name: 'b', datatype: 'INT64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) },
      { name: 'c', datatype: 'FP64', shape: [3], data: Float64Array.of(Math.PI, -0, Number.NaN) },
      { name: 'd', datatype: 'BF16', shape: [1], data: Uint16Array.of(0x3f80) },
      { name: 'e', datatype: 'BYTES', shape: [3], data: ['', 'ünï ✓ 😀', '\ufeffbom kept'] },
      { name: 'f', datatype: 'UINT32', shape: [1], data: Uint32Array.of(4294967295) },
    ];
    for (const tensor of samples) {
      const raw = encodeRawContents(tensor.datatype, tensor.data);
      assert.deepEqual(decodeRawContents(tensor.name, tensor.datatype, tensor.shape[0] as number, raw), tensor.data, tensor.datatype);
    }
    assert.deepEqual(encodeRawContents('INT32', Int32Array.of(1, -2)), bytes(1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff));
  });

  it('writes BYTES as 4-byte little-endian lengths followed by UTF-8', () => {
    assert.deepEqual(encodeRawContents('BYTES', ['ab', '', 'é']), bytes(2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 2, 0, 0, 0, 0xc3, 0xa9));
    assert.deepEqual(decodeRawContents('x', 'BYTES', 2, prefixed(bytes(104, 105), bytes())), ['hi', '']);
  });

  it('refuses raw contents of the wrong length, saying how many bytes the shape needs', () => {
    refuses('invalid_data', /x: raw contents hold 7 bytes where the shape's 2 elements of FP32 need 8 \(4 bytes each, little-endian\)/,
      () => decodeRawContents('x', 'FP32', 2, new Uint8Array(7)));
    refuses('invalid_data', /hold 0 bytes where the shape's 1 elements of INT64 need 8/, () => decodeRawContents('x', 'INT64', 1, new Uint8Array(0)));
  });

  it('refuses malformed BYTES: a truncated prefix, a length past the end, too few or too many elements', () => {
    refuses('invalid_data', /end inside the length of element 1/, () => decodeRawContents('x', 'BYTES', 2, bytes(1, 0, 0, 0, 97, 9, 0, 0)));
    refuses('invalid_data', /element 0 declares 200 bytes but only 3 remain/, () => decodeRawContents('x', 'BYTES', 1, bytes(200, 0, 0, 0, 1, 2, 3)));
    refuses('invalid_data', /the shape holds 3 elements but the raw contents end after 2 elements/,
      () => decodeRawContents('x', 'BYTES', 3, prefixed(bytes(1, 2, 3, 4, 5), bytes(6, 7, 8, 9))));
    refuses('invalid_data', /5 bytes follow the shape's 1 elements/, () => decodeRawContents('x', 'BYTES', 1, prefixed(bytes(1), bytes(2))));
    refuses('invalid_data', /fewer than their length prefixes alone need/, () => decodeRawContents('x', 'BYTES', 1000, bytes(1, 0, 0, 0)));
  });

  it('keeps BYTES elements that are not UTF-8 as their bytes, and text as strings (one canonical form)', () => {
    const decoded = decodeRawContents('x', 'BYTES', 3, prefixed(bytes(0xc3), bytes(0xc3, 0xa9), bytes(0xff, 0x00, 0xfe)));
    assert.deepEqual(decoded, [bytes(0xc3), 'é', bytes(0xff, 0x00, 0xfe)]);
    assert.deepEqual(encodeRawContents('BYTES', decoded), prefixed(bytes(0xc3), bytes(0xc3, 0xa9), bytes(0xff, 0x00, 0xfe)));
  });

  it('refuses a BOOL byte other than 0 and 1', () => {
    refuses('invalid_data', /element 1: a BOOL is the byte 0 or 1, got 2/, () => decodeRawContents('x', 'BOOL', 2, bytes(1, 2)));
  });
});

describe('decodeGrpcInferRequest', () => {
  it('decodes typed contents into the REST decoder\'s shape, 64-bit integers exactly', () => {
    const decoded = decodeGrpcInferRequest({
      model_name: 'm', id: 'r1', parameters: { p: { bool_param: true } },
      inputs: [
        { name: 'i', datatype: 'INT64', shape: ['2'], contents: { int64_contents: ['-9223372036854775808', '9007199254740993'] } },
        { name: 's', datatype: 'BYTES', shape: ['1'], contents: { bytes_contents: [bytes(104, 105)] }, parameters: { big: { uint64_param: '18446744073709551615' } } },
      ],
      outputs: [{ name: 'o', parameters: { classification: { int64_param: '3' } } }],
    }, limits);
    assert.equal(decoded.id, 'r1');
    assert.equal(decoded.raw, false);
    assert.deepEqual(decoded.parameters, { p: true });
    assert.deepEqual(decoded.inputs[0], { name: 'i', datatype: 'INT64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n), parameters: {} });
    assert.deepEqual(decoded.inputs[1]?.data, ['hi']);
    assert.deepEqual(decoded.inputs[1]?.parameters, { big: '18446744073709551615' });
    assert.deepEqual(decoded.outputs, [{ name: 'o', parameters: { classification: 3 } }]);
  });

  it('decodes raw contents, FP16 included, and marks the request raw', () => {
    const decoded = decodeGrpcInferRequest(one({ name: 'h', datatype: 'FP16', shape: [1, 1] }, bytes(0x00, 0x3c)), limits);
    assert.equal(decoded.raw, true);
    assert.deepEqual(decoded.inputs[0]?.data, Uint16Array.of(0x3c00));
    assert.equal(decoded.id, undefined, 'an empty id is no id');
  });

  it('refuses requests that cannot be read, with the field to fix', () => {
    refuses('invalid_request', /inputs: must hold at least one/, () => decodeGrpcInferRequest({ model_name: 'm' }, limits));
    refuses('invalid_request', /inputs\[0\]\.datatype: must be one of BOOL.*got 'FLOAT'/, () => decodeGrpcInferRequest(one({ name: 'x', datatype: 'FLOAT', shape: [] }), limits));
    refuses('invalid_request', /FP16 has no field in InferTensorContents; send the inputs in raw_input_contents/,
      () => decodeGrpcInferRequest(one({ name: 'x', datatype: 'FP16', shape: [1], contents: {} }), limits));
    refuses('invalid_request', /inputs\[0\]\.contents: is missing; send the elements in contents\.fp32_contents/,
      () => decodeGrpcInferRequest(one({ name: 'x', datatype: 'FP32', shape: [1] }), limits));
    refuses('invalid_request', /must be empty when the request carries raw_input_contents/,
      () => decodeGrpcInferRequest(one({ name: 'x', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }, new Uint8Array(4)), limits));
    refuses('invalid_request', /holds 2 entries for 1 inputs/,
      () => decodeGrpcInferRequest({ ...one({ name: 'x', datatype: 'FP32', shape: [1] }), raw_input_contents: [new Uint8Array(4), new Uint8Array(4)] }, limits));
    refuses('data_length_mismatch', /x: 2: 1$/,
      () => decodeGrpcInferRequest(one({ name: 'x', datatype: 'FP32', shape: [2], contents: { fp32_contents: [1] } }), limits));
    refuses('invalid_shape', /more than the limit of 1000 elements/, () => decodeGrpcInferRequest(one({ name: 'x', datatype: 'FP32', shape: ['100', '100'] }, new Uint8Array(0)), limits));
    refuses('invalid_shape', /dimension 0 must be a non-negative integer/, () => decodeGrpcInferRequest(one({ name: 'x', datatype: 'FP32', shape: ['-1'] }), limits));
    refuses('invalid_parameter', /no value is set/, () => decodeGrpcInferRequest({ ...one({ name: 'x', datatype: 'BOOL', shape: [0] }), parameters: { p: {} } }, limits));
    refuses('duplicate_input', /x/, () => decodeGrpcInferRequest({
      model_name: 'm', inputs: [{ name: 'x', datatype: 'BOOL', shape: [0] }, { name: 'x', datatype: 'BOOL', shape: [0] }],
    }, limits));
  });
});

describe('encodeGrpcInferResponse', () => {
  const outputs: Tensor[] = [
    { name: 'i', datatype: 'INT64', shape: [1], data: BigInt64Array.of(-(2n ** 63n)) },
    { name: 'b', datatype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) },
    { name: 's', datatype: 'BYTES', shape: [1], data: ['é'] },
  ];

  it('answers typed contents to a typed request, 64-bit integers as exact decimal strings', () => {
    const response = encodeGrpcInferResponse({ modelName: 'm', modelVersion: '2', outputs }, { raw: false });
    assert.deepEqual({ ...response, outputs: undefined }, { model_name: 'm', model_version: '2', id: '', parameters: {}, outputs: undefined, raw_output_contents: [] });
    assert.deepEqual(response.outputs.map((o) => o.contents), [
      { int64_contents: ['-9223372036854775808'] }, { bool_contents: [true, false] }, { bytes_contents: [bytes(0xc3, 0xa9)] },
    ]);
  });

  it('answers raw_output_contents to a raw request, in the order of outputs, and no contents', () => {
    const response = encodeGrpcInferResponse({ modelName: 'm', id: 'r', outputs }, { raw: true });
    assert.equal(response.id, 'r');
    assert.ok(response.outputs.every((o) => o.contents === undefined));
    assert.deepEqual(response.raw_output_contents, [bytes(0, 0, 0, 0, 0, 0, 0, 0x80), bytes(1, 0), bytes(2, 0, 0, 0, 0xc3, 0xa9)]);
  });

  it('answers raw when an output is FP16 or BF16, which have no typed field', () => {
    const half: Tensor = { name: 'h', datatype: 'FP16', shape: [1], data: Uint16Array.of(0x3c00) };
    const response = encodeGrpcInferResponse({ modelName: 'm', outputs: [...outputs, half] }, { raw: false });
    assert.equal(response.raw_output_contents.length, 4);
    assert.deepEqual(response.raw_output_contents[3], bytes(0x00, 0x3c));
  });
});
