import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInferRequest, type DecodedInferRequest } from './decode-infer-request.js';
import { ProtocolError, type ProtocolErrorArgs, type ProtocolErrorKind } from './protocol-error.js';

const limits = { maxElements: 1_000_000 };

function decode(json: string, max = limits): DecodedInferRequest {
  return decodeInferRequest(JSON.parse(json), max);
}

function input(fields: Record<string, unknown>): unknown {
  return { inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [0], ...fields }] };
}

function rejects<K extends ProtocolErrorKind>(body: unknown, kind: K, args?: ProtocolErrorArgs[K]): ProtocolError {
  try {
    decodeInferRequest(body, limits);
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (args) assert.deepEqual(error.args, args);
    return error;
  }
  assert.fail(`expected ${kind}, but the body decoded`);
}

describe('decodeInferRequest: the spec examples', () => {
  // Verbatim from kserve/open-inference-protocol specification/protocol/inference_rest.md,
  // "Inference Request Examples" (and open_inference_rest.yaml, inference_request "Example 1").
  const SPEC_REQUEST = `{
      "id" : "42",
      "inputs" : [
        {
          "name" : "input0",
          "shape" : [ 2, 2 ],
          "datatype" : "UINT32",
          "data" : [ 1, 2, 3, 4 ]
        },
        {
          "name" : "input1",
          "shape" : [ 3 ],
          "datatype" : "BOOL",
          "data" : [ true ]
        }
      ],
      "outputs" : [
        {
          "name" : "output0"
        }
      ]
    }`;

  it('refuses the spec request as written: input1 has shape [3] but one datum (the example is inconsistent)', () => {
    const canonical = '{"id":"42","inputs":[{"name":"input0","shape":[2,2],"datatype":"UINT32","data":[1,2,3,4]},{"name":"input1","shape":[3],"datatype":"BOOL","data":[true]}],"outputs":[{"name":"output0"}]}';
    for (const body of [SPEC_REQUEST, canonical]) {
      rejects(JSON.parse(body), 'data_length_mismatch', ['input1', 3, 1]);
    }
  });

  it('decodes the spec request once input1 carries three booleans', () => {
    const request = decode(SPEC_REQUEST.replace('"data" : [ true ]', '"data" : [ true, false, true ]'));
    assert.equal(request.id, '42');
    assert.deepEqual(request.parameters, {});
    assert.deepEqual(request.outputs, [{ name: 'output0', parameters: {} }]);
    const [input0, input1] = request.inputs;
    assert.equal(input0?.datatype, 'UINT32');
    assert.deepEqual(input0?.shape, [2, 2]);
    assert.deepEqual(input0?.data, new Uint32Array([1, 2, 3, 4]));
    assert.deepEqual(input1?.data, new Uint8Array([1, 0, 1]));
  });

  it('reads the spec nested form [[1,2],[4,5]] as the flat [1,2,4,5]', () => {
    // inference_rest.md, "Tensor Data": "data" : [ [ 1, 2 ], [ 4, 5 ] ] or "data" : [ 1, 2, 4, 5 ]
    const nested = decode('{"inputs":[{"name":"m","shape":[2,2],"datatype":"INT32","data":[ [ 1, 2 ], [ 4, 5 ] ]}]}');
    const flat = decode('{"inputs":[{"name":"m","shape":[2,2],"datatype":"INT32","data":[ 1, 2, 4, 5 ]}]}');
    assert.deepEqual(nested.inputs[0]?.data, new Int32Array([1, 2, 4, 5]));
    assert.deepEqual(nested.inputs[0]?.data, flat.inputs[0]?.data);
  });

  it("decodes Triton's classification request, keeping the output's parameters", () => {
    // Verbatim from triton-inference-server/server docs/protocol/extension_classification.md.
    const request = decode(`{
  "id" : "42",
  "inputs" : [
    {
      "name" : "input0",
      "shape" : [ 2, 2 ],
      "datatype" : "UINT32",
      "data" : [ 1, 2, 3, 4 ]
    }
  ],
  "outputs" : [
    {
      "name" : "output0",
      "parameters" : { "classification" : 2 }
    }
  ]
}`);
    assert.deepEqual(request.outputs, [{ name: 'output0', parameters: { classification: 2 } }]);
  });

  it("refuses open_inference_rest.yaml's inference_request \"Example 2\": it is a response (no inputs) filed as a request", () => {
    const example2 = { id: '42', outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', data: [1, 1.1, 2, 2.1, 3, 3.1] }] };
    rejects(example2, 'invalid_request');
  });
});

describe('decodeInferRequest: the envelope', () => {
  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 3, true]) rejects(body, 'invalid_request');
  });

  it('refuses missing, empty or non-array inputs', () => {
    for (const inputs of [undefined, [], {}, 'x', null]) rejects({ inputs }, 'invalid_request');
  });

  it('refuses an id that is not a string, and leaves id out when absent', () => {
    rejects({ ...(input({}) as object), id: 42 }, 'invalid_request', ['id', 'must be a string, got the number 42']);
    assert.equal('id' in decodeInferRequest(input({}), limits), false);
  });

  it('ignores unknown keys at every level (forward compatibility)', () => {
    const body = { future: 1, inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [0], extra: {} }], outputs: [{ name: 'y', more: [] }] };
    assert.equal(decodeInferRequest(body, limits).inputs.length, 1);
  });

  it('keeps request, input and output parameters and refuses values that are not string, number or boolean', () => {
    const body = { parameters: { a: 's', b: 1, c: true }, inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [0], parameters: { d: 2 } }] };
    const request = decodeInferRequest(body, limits);
    assert.deepEqual(request.parameters, { a: 's', b: 1, c: true });
    assert.deepEqual(request.inputs[0]?.parameters, { d: 2 });
    for (const value of [null, [], {}]) rejects({ ...body, parameters: { k: value } }, 'invalid_parameter');
    for (const parameters of [[], 'x', null, 1]) rejects({ ...body, parameters }, 'invalid_request');
    rejects(input({ parameters: { e: null } }), 'invalid_parameter');
  });

  it('treats a __proto__ parameter as data, not as a prototype', () => {
    const request = decodeInferRequest(JSON.parse('{"parameters":{"__proto__":"x"},"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[0]}]}'), limits);
    assert.equal(Object.getPrototypeOf(request.parameters), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(request.parameters, '__proto__')?.value, 'x');
  });

  it('reads outputs, refusing duplicates, nameless or non-object entries', () => {
    assert.deepEqual(decodeInferRequest({ ...(input({}) as object), outputs: [] }, limits).outputs, []);
    rejects({ ...(input({}) as object), outputs: [{ name: 'y' }, { name: 'y' }] }, 'invalid_request');
    for (const outputs of [{}, 'y', [{}], [{ name: '' }], ['y'], [null]]) {
      rejects({ ...(input({}) as object), outputs }, 'invalid_request');
    }
  });
});

describe('decodeInferRequest: inputs', () => {
  it('refuses duplicate input names', () => {
    const x = { name: 'x', datatype: 'FP32', shape: [1], data: [0] };
    rejects({ inputs: [x, x] }, 'duplicate_input', ['x']);
  });

  it('accepts any non-empty unicode name and refuses empty or non-string names', () => {
    assert.equal(decodeInferRequest(input({ name: 'ввод-🙂' }), limits).inputs[0]?.name, 'ввод-🙂');
    for (const name of ['', 3, null, undefined]) rejects(input({ name }), 'invalid_request');
  });

  it('refuses unknown datatypes and FP16/BF16 (JSON cannot carry them) as unsupported_datatype', () => {
    for (const datatype of ['FP16', 'BF16', 'FLOAT32', 'fp32', 'STRING']) {
      rejects(input({ datatype }), 'unsupported_datatype', ['x', datatype]);
    }
    rejects(input({ datatype: 5 }), 'invalid_request');
  });

  it('refuses negative, fractional, non-numeric and unsafe dimensions', () => {
    for (const dim of [-1, 1.5, '2', null, 2 ** 53, Infinity]) rejects(input({ shape: [dim] }), 'invalid_shape');
    rejects(input({ shape: 'x' }), 'invalid_request');
  });

  it('refuses shapes above the element limit, saying the limit, without allocating', () => {
    const error = rejects(input({ shape: [1_000_001], data: [] }), 'invalid_shape');
    assert.match(error.message, /1000000/);
    rejects(input({ shape: [2 ** 31, 2 ** 31, 2 ** 31] }), 'invalid_shape');
    rejects(input({ shape: [9007199254740991, 9007199254740991] }), 'invalid_shape');
  });

  it('accepts zero-sized tensors even when another dimension is huge', () => {
    const request = decodeInferRequest(input({ shape: [0, 9007199254740991], data: [] }), limits);
    assert.equal(request.inputs[0]?.data.length, 0);
  });

  it('reads a rank-0 (scalar) tensor from a one-element array', () => {
    assert.deepEqual(decodeInferRequest(input({ shape: [], data: [7] }), limits).inputs[0]?.data, new Float32Array([7]));
  });

  it('refuses missing or non-array data, pointing at the binary extension', () => {
    const error = rejects({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1] }] }, 'invalid_request');
    assert.match(error.message, /binary/);
    rejects(input({ data: 1 }), 'invalid_request');
  });
});

describe('decodeInferRequest: nested data', () => {
  it('reads full, partial and no nesting alike', () => {
    const expected = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const data of [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[1, 2, 3, 4], [5, 6, 7, 8]], [1, 2, 3, 4, 5, 6, 7, 8]]) {
      assert.deepEqual(decodeInferRequest(input({ shape: [2, 2, 2], data }), limits).inputs[0]?.data, expected);
    }
  });

  it('reads [[],[]] for shape [2,0]', () => {
    assert.equal(decodeInferRequest(input({ shape: [2, 0], data: [[], []] }), limits).inputs[0]?.data.length, 0);
  });

  it('reports a wrong element count as data_length_mismatch, nested or not', () => {
    rejects(input({ shape: [2, 2], data: [1, 2, 3] }), 'data_length_mismatch', ['x', 4, 3]);
    rejects(input({ shape: [2, 2], data: [[1, 2], [3]] }), 'data_length_mismatch', ['x', 4, 3]);
    rejects(input({ shape: [2, 2], data: [[1, 2]] }), 'data_length_mismatch', ['x', 4, 2]);
    rejects(input({ shape: [2, 2], data: [] }), 'data_length_mismatch', ['x', 4, 0]);
  });

  it('reports ragged nesting with the right count as invalid_data saying where', () => {
    const error = rejects(input({ shape: [2, 2], data: [[1, 2, 3], [4]] }), 'invalid_data');
    assert.match(error.message, /data\[0\] has 3 items/);
    rejects(input({ shape: [4], data: [[1, 2], [3, 4]] }), 'invalid_data');
    rejects(input({ shape: [2, 2], data: [[1, 2], 3, 4] }), 'invalid_data');
  });

  it('refuses 100k-deep nesting without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`);
    rejects(input({ shape: [1], data: deep }), 'invalid_data');
    rejects(input({ shape: [2], data: deep }), 'data_length_mismatch', ['x', 2, 1]);
    // deep inside the second item, found by counting rather than probing the first path
    rejects(input({ shape: [2, 1], data: [[1], deep] }), 'invalid_data');
  });
});

describe('decodeInferRequest: elements per datatype', () => {
  const cases: { datatype: string; good: unknown[]; expected: ArrayLike<unknown>; bad: unknown[] }[] = [
    { datatype: 'BOOL', good: [true, false], expected: new Uint8Array([1, 0]), bad: [0, 1, 'true', null] },
    { datatype: 'UINT8', good: [0, 255], expected: new Uint8Array([0, 255]), bad: [256, -1, 1.5, '1', true, null] },
    { datatype: 'UINT16', good: [0, 65535], expected: new Uint16Array([0, 65535]), bad: [65536, -1] },
    { datatype: 'UINT32', good: [0, 4294967295], expected: new Uint32Array([0, 4294967295]), bad: [4294967296, -1, 0.5] },
    { datatype: 'INT8', good: [-128, 127], expected: new Int8Array([-128, 127]), bad: [128, -129] },
    { datatype: 'INT16', good: [-32768, 32767], expected: new Int16Array([-32768, 32767]), bad: [32768, -32769] },
    { datatype: 'INT32', good: [-2147483648, 2147483647], expected: new Int32Array([-2147483648, 2147483647]), bad: [2147483648, 1.5, '1'] },
    {
      datatype: 'INT64',
      good: [-9007199254740991, '-9223372036854775808', '9223372036854775807', 5],
      expected: new BigInt64Array([-9007199254740991n, -(2n ** 63n), 2n ** 63n - 1n, 5n]),
      bad: [2 ** 53, 1.5, '9223372036854775808', '1.5', '1e3', '', ' 1', true, null],
    },
    {
      datatype: 'UINT64',
      good: [0, '18446744073709551615', 9007199254740991],
      expected: new BigUint64Array([0n, 2n ** 64n - 1n, 9007199254740991n]),
      bad: [-1, '-1', '18446744073709551616'],
    },
    { datatype: 'FP32', good: [1.5, -3.4028234663852886e38], expected: new Float32Array([1.5, -3.4028234663852886e38]), bad: [3.5e38, '1', null, true, Infinity, NaN] },
    { datatype: 'FP64', good: [1e308, -0.1], expected: new Float64Array([1e308, -0.1]), bad: [Infinity, -Infinity, NaN, '0', null] },
    {
      datatype: 'BYTES', good: ['a', '', '🙂', 'a\u0000b', '\ud83d\ude42'], expected: ['a', '', '🙂', 'a\u0000b', '🙂'],
      bad: [1, null, true, ['a'], '\ud800', 'x\udfff', '\ude42\ud83d'],
    },
  ];

  for (const { datatype, good, expected, bad } of cases) {
    it(`${datatype}: reads ${good.length} good elements and refuses each bad one with its index`, () => {
      const request = decodeInferRequest(input({ datatype, shape: [good.length], data: good }), limits);
      assert.deepEqual(request.inputs[0]?.data, expected);
      for (const value of bad) {
        const error = rejects(input({ datatype, shape: [2], data: [good[0], value] }), 'invalid_data');
        assert.match(error.message, /element 1 \(data\[1\]\): expected /);
      }
    });
  }

  it('reads 1e309 (JSON.parse gives Infinity) as invalid FP64 data', () => {
    rejects(JSON.parse('{"inputs":[{"name":"x","datatype":"FP64","shape":[1],"data":[1e309]}]}'), 'invalid_data');
  });

  it('names the flat index and the nested path of a bad element', () => {
    const error = rejects(input({ datatype: 'INT32', shape: [2, 2], data: [[1, 2], [3, 'four']] }), 'invalid_data');
    assert.match(error.message, /element 3 \(data\[1\]\[1\]\)/);
  });
});
