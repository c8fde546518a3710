import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateData, type Tensor } from '../tensor.js';
import { splitBinaryBody } from './binary-body.js';
import { DATATYPES, type Datatype } from './datatypes.js';
import { decodeInferRequest } from './decode-infer-request.js';
import { decodeInferResponse } from './decode-infer-response.js';
import { encodeBinaryInferRequest } from './encode-infer-request.js';
import { encodeBinaryInferResponse, encodeInferResponse } from './encode-infer-response.js';
import { ProtocolError, type ProtocolErrorKind } from './protocol-error.js';

const limits = { maxElements: 1 << 20 };
const utf8 = new TextEncoder();

function body(header: unknown, ...sections: number[][]): { bytes: Uint8Array; headerLength: string } {
  const json = utf8.encode(JSON.stringify(header));
  const bytes = new Uint8Array([...json, ...sections.flat()]);
  return { bytes, headerLength: String(json.byteLength) };
}

function decode(header: unknown, ...sections: number[][]) {
  const { bytes, headerLength } = body(header, ...sections);
  const split = splitBinaryBody(bytes, headerLength);
  return decodeInferRequest(JSON.parse(new TextDecoder().decode(split.json)), limits, split.binary);
}

function refuses(kind: ProtocolErrorKind, message: RegExp, run: () => unknown): void {
  assert.throws(run, (error: unknown) => error instanceof ProtocolError && error.kind === kind && message.test(error.message));
}

/** Triton's example request (extension_binary_data.md): UINT32 [2,2] in 16 bytes, BOOL [3] in 3, 19 bytes of binary data. */
const TRITON_REQUEST = {
  model_name: 'mymodel',
  inputs: [
    { name: 'input0', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 16 } },
    { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
  ],
  outputs: [{ name: 'output0', parameters: { binary_data: true } }],
};
const INPUT0 = [1, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff];
const INPUT1 = [1, 0, 1];

describe('the binary tensor data extension (Triton\'s examples)', () => {
  it('reads the example request: two inputs from 19 bytes after the JSON header, the output asked for as bytes', () => {
    const decoded = decode(TRITON_REQUEST, INPUT0, INPUT1);
    assert.deepEqual(decoded.inputs.map((i) => [i.name, i.datatype, i.shape, [...(i.data as Uint32Array)]]), [
      ['input0', 'UINT32', [2, 2], [1, 2, 256, 4294967295]],
      ['input1', 'BOOL', [3], [1, 0, 1]],
    ]);
    assert.deepEqual(decoded.inputs.map((i) => i.parameters), [{}, {}], 'binary_data_size is the encoding, not a parameter of the tensor');
    assert.deepEqual(decoded.outputs, [{ name: 'output0', parameters: {}, binary: true }]);
  });

  it('decodes to the same tensors as the JSON form of the request', () => {
    const json = decodeInferRequest({
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 256, 4294967295] },
        { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
      ],
    }, limits);
    assert.deepEqual(decode(TRITON_REQUEST, INPUT0, INPUT1).inputs, json.inputs);
  });

  it('writes the example answer: FP32 [3,2] as 24 bytes after the header, with binary_data_size and no data', () => {
    const output: Tensor = { name: 'output0', datatype: 'FP32', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) };
    const { headerLength, body: answer } = encodeBinaryInferResponse({ modelName: 'mymodel', outputs: [output] }, () => true);
    const header = JSON.parse(new TextDecoder().decode(answer.subarray(0, headerLength))) as unknown;
    assert.deepEqual(header, { model_name: 'mymodel', outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', parameters: { binary_data_size: 24 } }] });
    assert.equal(answer.byteLength, headerLength + 24);
    assert.deepEqual(new Float32Array(answer.slice(headerLength).buffer), output.data);
  });

  it('keeps JSON outputs JSON beside binary ones, and an output\'s own parameters', () => {
    const outputs: Tensor[] = [
      { name: 'a', datatype: 'INT32', shape: [2], data: new Int32Array([7, 8]) },
      { name: 'b', datatype: 'BYTES', shape: [1], data: ['x'] },
    ];
    const { headerLength, body: answer } = encodeBinaryInferResponse({ modelName: 'm', outputs }, (o) => o.name === 'b');
    const header = JSON.parse(new TextDecoder().decode(answer.subarray(0, headerLength))) as { outputs: unknown[] };
    assert.deepEqual(header.outputs, [
      { name: 'a', shape: [2], datatype: 'INT32', data: [7, 8] },
      { name: 'b', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 5 } },
    ]);
    assert.deepEqual([...answer.subarray(headerLength)], [1, 0, 0, 0, 120]);
  });
});

/** One tensor of every datatype, with edge values, as a model would return it. */
function sample(datatype: Datatype): Tensor {
  const data = allocateData(datatype, 3);
  if (datatype === 'BYTES') return { name: 'bytes', datatype, shape: [3], data: ['', 'héllo', new Uint8Array([0xff, 0x00, 0xc3])] };
  const values: Record<string, readonly (number | bigint)[]> = {
    BOOL: [1, 0, 1], UINT8: [0, 255, 7], UINT16: [0, 65535, 7], UINT32: [0, 4294967295, 7], UINT64: [0n, 2n ** 64n - 1n, 7n],
    INT8: [-128, 127, 0], INT16: [-32768, 32767, 0], INT32: [-(2 ** 31), 2 ** 31 - 1, 0], INT64: [-(2n ** 63n), 2n ** 63n - 1n, 0n],
    FP16: [0x3c00, 0x7c00, 0x7e00], BF16: [0x3f80, 0xff80, 0x7fc0], FP32: [1.5, Number.NaN, -0], FP64: [Math.PI, -Infinity, 5e-324],
  };
  (values[datatype] as (number | bigint)[]).forEach((v, i) => { (data as unknown as (number | bigint)[])[i] = v; });
  return { name: datatype.toLowerCase(), datatype, shape: [3], data };
}

describe('byte-for-byte round trips, every datatype', () => {
  const tensors = DATATYPES.map(sample);

  it('request: what a client encodes decodes to the same tensors, and encodes back to the same bytes', () => {
    const first = encodeBinaryInferRequest({ inputs: tensors, outputs: ['out'] });
    const split = splitBinaryBody(first.body, String(first.headerLength));
    const decoded = decodeInferRequest(JSON.parse(new TextDecoder().decode(split.json)), limits, split.binary);
    assert.deepEqual(decoded.inputs.map(({ name, datatype, shape, data }) => ({ name, datatype, shape, data })), tensors);
    assert.equal(decoded.binaryOutput, true, 'a binary request asks for binary answers, as tritonclient does');
    assert.deepEqual(decoded.parameters, {});
    const again = encodeBinaryInferRequest({ inputs: decoded.inputs, outputs: ['out'] });
    assert.deepEqual(again.body, first.body);
  });

  it('answer: what the server encodes a client decodes to the same tensors', () => {
    const { headerLength, body: answer } = encodeBinaryInferResponse({ modelName: 'm', outputs: tensors }, () => true);
    const split = splitBinaryBody(answer, String(headerLength));
    const decoded = decodeInferResponse(JSON.parse(new TextDecoder().decode(split.json)), limits, split.binary);
    assert.deepEqual(decoded, tensors);
  });

  it('refuses to put BYTES that are not UTF-8 into a JSON answer, naming the output (binary carries them)', () => {
    refuses('output_not_text', /bytes/, () => encodeInferResponse({ modelName: 'm', outputs: [sample('BYTES')] }));
  });
});

describe('refusals', () => {
  const one = (parameters: object, extra: object = {}) => ({ inputs: [{ name: 'x', shape: [2], datatype: 'INT32', parameters, ...extra }] });

  it('a JSON header length beyond the body, or not a number', () => {
    refuses('invalid_request', /is 99 but the body has only 4 bytes/, () => splitBinaryBody(new Uint8Array(4), '99'));
    refuses('invalid_request', /non-negative integer/, () => splitBinaryBody(new Uint8Array(4), '-1'));
    refuses('invalid_request', /non-negative integer/, () => splitBinaryBody(new Uint8Array(4), 'ten'));
  });

  it('sizes that do not add up to the binary data', () => {
    refuses('invalid_data', /binary_data_size is 8 but only 4 bytes/, () => decode(one({ binary_data_size: 8 }), [1, 0, 0, 0]));
    refuses('invalid_request', /4 bytes of binary data follow the last input's section/, () => decode(one({ binary_data_size: 8 }), [1, 0, 0, 0, 2, 0, 0, 0], [9, 9, 9, 9]));
  });

  it('a size that does not match datatype × shape', () => {
    refuses('invalid_data', /binary_data_size is 4 but shape \[2\] of INT32 needs 8 bytes/, () => decode(one({ binary_data_size: 4 }), [1, 0, 0, 0]));
  });

  it('missing data, data beside a size, a size without binary data, a size that is not a byte count', () => {
    refuses('invalid_request', /inputs\[0\]\.data.*binary_data_size/, () => decodeInferRequest(one({}), limits));
    refuses('invalid_request', /must be left out/, () => decode(one({ binary_data_size: 8 }, { data: [1, 2] }), [1, 0, 0, 0, 2, 0, 0, 0]));
    refuses('invalid_request', /no binary data; send the header Inference-Header-Content-Length/, () => decodeInferRequest(one({ binary_data_size: 8 }), limits));
    refuses('invalid_parameter', /binary_data_size/, () => decode(one({ binary_data_size: 'eight' })));
    refuses('invalid_parameter', /binary_data/, () => decodeInferRequest({ ...one({}, { data: [1, 2] }), outputs: [{ name: 'o', parameters: { binary_data: 'yes' } }] }, limits));
  });

  it('FP16 still needs binary data: JSON cannot carry it', () => {
    refuses('unsupported_datatype', /FP16/, () => decodeInferRequest({ inputs: [{ name: 'h', shape: [1], datatype: 'FP16', data: [1] }] }, limits));
    assert.deepEqual([...(decode({ inputs: [{ name: 'h', shape: [1], datatype: 'FP16', parameters: { binary_data_size: 2 } }] }, [0, 0x3c]).inputs[0]?.data as Uint16Array)], [0x3c00]);
  });
});
