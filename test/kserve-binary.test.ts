import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { grpcClient, rpc } from './helpers/grpc-client.js';
import { addSubAnswer, addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { ECHO_MODEL_DIR, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { rawBytes, rawOf, tritonInfer, tritonRequest, type RawTensor } from './helpers/triton-http-client.js';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';

const SPAM_DIR = join(BUNDLED_MODELS_DIR, 'spam-classifier');
const NOT_UTF8 = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0xc3]); // the start of a JPEG, and a cut UTF-8 sequence

/** One row for every input of the echo fixture, as raw tensors. */
function echoRow(text: string | Uint8Array = 'héllo'): RawTensor[] {
  return [
    { name: 'fp32', datatype: 'FP32', shape: [1, 3], raw: rawOf(new Float32Array([1.5, -0, 3.4e38])) },
    { name: 'fp64', datatype: 'FP64', shape: [1, 3], raw: rawOf(new Float64Array([Math.PI, 5e-324, -1])) },
    { name: 'int32', datatype: 'INT32', shape: [1, 3], raw: rawOf(new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1])) },
    { name: 'int64', datatype: 'INT64', shape: [1, 3], raw: rawOf(new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n])) },
    { name: 'uint8', datatype: 'UINT8', shape: [1, 3], raw: new Uint8Array([0, 128, 255]) },
    { name: 'bool', datatype: 'BOOL', shape: [1, 3], raw: new Uint8Array([1, 0, 1]) },
    { name: 'bytes', datatype: 'BYTES', shape: [1], raw: rawBytes(text) },
  ];
}

describe('Triton\'s binary tensor data extension over REST, as tritonclient.http speaks it', () => {
  let upstream: KserveUpstream;
  let server: TestServer;
  before(async () => {
    upstream = await startKserveUpstream();
    server = await startTestServer({
      models: { echo: ECHO_MODEL_DIR, 'spam-classifier': SPAM_DIR },
      extraModels: {
        'spam-cached': {
          'model.yaml': `${readFileSync(join(SPAM_DIR, 'model.yaml'), 'utf8')}\ncache:\n  ttl_seconds: 60\n`,
          '1/model.onnx': readFileSync(join(SPAM_DIR, '1/model.onnx')),
        },
        'add-sub': kserveModel([upstream.httpUrl]),
        'echo-http': kserveModel([upstream.httpUrl], { model: 'echo' }),
        'echo-grpc': kserveModel([upstream.grpcTarget], { protocol: 'grpc', model: 'echo' }),
      },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await upstream.close();
  });
  const infer = (model: string) => `${server.url}/v2/models/${model}/infer`;

  it('lists binary_tensor_data among the server\'s extensions', async () => {
    const metadata = await getJson(`${server.url}/v2`);
    assert.ok((metadata.body.extensions as string[]).includes('binary_tensor_data'), JSON.stringify(metadata.body.extensions));
  });

  it('takes every input as bytes and answers every output as bytes, each exactly what the model returned', async () => {
    const inputs = echoRow();
    const outputs = Object.fromEntries(inputs.map((i) => [`${i.name}_out`, true]));
    const answer = await tritonInfer(infer('echo'), inputs, { outputs, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.headers.get('content-type'), 'application/octet-stream');
    for (const input of inputs) {
      const output = (answer.json.outputs as Array<{ name: string; data?: unknown }>).find((o) => o.name === `${input.name}_out`);
      assert.equal(output?.data, undefined, `${input.name}_out carries no JSON data`);
      assert.deepEqual(answer.raw.get(`${input.name}_out`), input.raw, `${input.name} comes back byte for byte`);
    }
  });

  it('decodes binary inputs into the tensors JSON data gives: the same answer either way', async () => {
    const binary = await tritonInfer(infer('echo'), echoRow(), { outputs: { sum: false, int64_out: false, bytes_out: false } });
    const json = await postJson(infer('echo'), {
      inputs: [
        { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: [1.5, -0, 3.4e38] },
        { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: [Math.PI, 5e-324, -1] },
        { name: 'int32', datatype: 'INT32', shape: [1, 3], data: [-(2 ** 31), 0, 2 ** 31 - 1] },
        { name: 'int64', datatype: 'INT64', shape: [1, 3], data: ['-9223372036854775808', 0, '9223372036854775807'] },
        { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: [0, 128, 255] },
        { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: [true, false, true] },
        { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['héllo'] },
      ],
      outputs: [{ name: 'sum' }, { name: 'int64_out' }, { name: 'bytes_out' }],
    });
    assert.equal(binary.status, 200, JSON.stringify(binary.json));
    assert.equal(binary.headers.get('content-type'), 'application/json; charset=utf-8', 'no binary output: a plain JSON answer');
    assert.deepEqual(binary.json.outputs, json.body.outputs);
  });

  it('binary_data_output asks for every output as bytes; an output\'s own binary_data: false wins', async () => {
    const answer = await tritonInfer(infer('spam-classifier'), [{ name: 'text', datatype: 'BYTES', shape: [1], raw: rawBytes('cheap meds online') }],
      { parameters: { binary_data_output: true }, outputs: { probabilities: undefined, label: false } });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.deepEqual([...answer.raw.keys()], ['probabilities']);
    assert.equal(answer.raw.get('probabilities')?.byteLength, 8);
    const label = (answer.json.outputs as Array<{ name: string; data?: unknown }>).find((o) => o.name === 'label');
    assert.equal((label?.data as unknown[]).length, 1);
  });

  it('keeps classification working: the top classes as BYTES, in binary as in JSON', async () => {
    const text: RawTensor = { name: 'text', datatype: 'BYTES', shape: [1], raw: rawBytes('win money now') };
    const { body, headers } = tritonRequest([text]);
    const header = JSON.parse(body.subarray(0, Number(headers['inference-header-content-length'])).toString()) as Record<string, unknown>;
    header.outputs = [{ name: 'probabilities', parameters: { classification: 2, binary_data: true } }];
    const json = Buffer.from(JSON.stringify(header));
    const response = await fetch(infer('spam-classifier'), {
      method: 'POST', headers: { 'inference-header-content-length': String(json.length) }, body: Buffer.concat([json, text.raw]),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(response.status, 200, bytes.toString());
    const length = Number(response.headers.get('inference-header-content-length'));
    const output = (JSON.parse(bytes.subarray(0, length).toString()) as { outputs: Array<{ shape: number[]; datatype: string }> }).outputs[0];
    assert.deepEqual([output?.shape, output?.datatype], [[1, 2], 'BYTES']);
    const plain = await postJson(infer('spam-classifier'), { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['win money now'] }],
      outputs: [{ name: 'probabilities', parameters: { classification: 2 } }] });
    const labels = (plain.body.outputs as Array<{ data: string[] }>)[0]?.data ?? [];
    assert.deepEqual(bytes.subarray(length), Buffer.from(rawBytes(...labels)));
  });

  it('gives one cache key whatever the encoding: JSON, then the same tensor as bytes, is a hit', async () => {
    const first = await postJson(infer('spam-cached'), {
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['one cache key'] }], outputs: [{ name: 'probabilities' }, { name: 'label' }],
    });
    assert.equal(first.headers.get('x-umbral-cache'), 'miss');
    const second = await tritonInfer(infer('spam-cached'), [{ name: 'text', datatype: 'BYTES', shape: [1], raw: rawBytes('one cache key') }], { outputs: { probabilities: false, label: false } });
    assert.equal(second.headers.get('x-umbral-cache'), 'hit');
    assert.deepEqual(second.json.outputs, first.body.outputs);
  });

  it('refuses BYTES that are not UTF-8 for an ONNX model, naming the input', async () => {
    const answer = await tritonInfer(infer('echo'), echoRow(NOT_UTF8));
    assert.equal(answer.status, 400);
    assert.equal(answer.json.code, 'UMBRAL_ERR_BYTES_NOT_TEXT');
    assert.match(String(answer.json.error), /input 'bytes'/);
  });

  it('sends binary inputs on to a remote kserve model, over HTTP: add-sub computes from them', async () => {
    const rows = addSubRequest(4).inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape, raw: rawOf(Int32Array.from(i.data)) }));
    const answer = await tritonInfer(infer('add-sub'), rows, { outputs: { OUTPUT0: true, OUTPUT1: true } });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.deepEqual(answer.raw.get('OUTPUT0'), rawOf(Int32Array.from(addSubAnswer(4).OUTPUT0)));
    assert.deepEqual(answer.raw.get('OUTPUT1'), rawOf(Int32Array.from(addSubAnswer(4).OUTPUT1)));
  });

  it('passes BYTES that are not UTF-8 through remote models unchanged, REST binary in and out, HTTP and gRPC upstreams', async () => {
    const image = { name: 'INPUT', datatype: 'BYTES', shape: [2], raw: rawBytes(NOT_UTF8, 'text too') };
    for (const model of ['echo-http', 'echo-grpc']) {
      const answer = await tritonInfer(infer(model), [image], { outputs: { OUTPUT: true } });
      assert.equal(answer.status, 200, `${model}: ${JSON.stringify(answer.json)}`);
      assert.deepEqual(answer.raw.get('OUTPUT'), image.raw, `${model}: the upstream got and echoed the exact bytes`);
    }
  });

  it('answers a JSON request for BYTES that are not UTF-8 with a 406 saying to ask for binary data', async () => {
    const answer = await tritonInfer(infer('echo-http'), [{ name: 'INPUT', datatype: 'BYTES', shape: [1], raw: rawBytes(NOT_UTF8) }], { outputs: { OUTPUT: false } });
    assert.equal(answer.status, 406);
    assert.equal(answer.json.code, 'UMBRAL_ERR_OUTPUT_NOT_TEXT');
    assert.match(String(answer.json.error), /output 'OUTPUT'.*binary_data/);
  });

  it('takes gRPC bytes_contents that are not UTF-8 for a remote model and returns them unchanged', async () => {
    const client = grpcClient(server.grpcUrl as string);
    try {
      const answer = await rpc<{ outputs: Array<{ contents?: { bytes_contents?: Uint8Array[] } }>; raw_output_contents?: Uint8Array[] }>(client, 'ModelInfer', {
        model_name: 'echo-http', inputs: [{ name: 'INPUT', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from(NOT_UTF8)] } }],
      });
      assert.equal(answer.code, 0, answer.error?.details);
      const raw = answer.response?.raw_output_contents?.[0];
      const typed = answer.response?.outputs[0]?.contents?.bytes_contents?.[0];
      if (raw !== undefined && raw.length > 0) assert.deepEqual(Buffer.from(raw), Buffer.from(rawBytes(NOT_UTF8)));
      else assert.deepEqual(Buffer.from(typed ?? []), Buffer.from(NOT_UTF8));
    } finally {
      client.close();
    }
  });

  describe('refuses a malformed binary request with a 400 and a code', () => {
    const send = (body: Buffer, headerLength: string, url = infer('echo')) =>
      fetch(url, { method: 'POST', headers: { 'inference-header-content-length': headerLength, 'content-type': 'application/octet-stream' }, body })
        .then(async (r) => ({ status: r.status, body: await r.json() as Record<string, unknown> }));
    const header = (size: number) => Buffer.from(JSON.stringify({ inputs: [{ name: 'fp32', datatype: 'FP32', shape: [1, 3], parameters: { binary_data_size: size } }] }));

    const cases: Array<[string, () => Promise<{ status: number; body: Record<string, unknown> }>, string, RegExp]> = [
      ['a header length beyond the body', () => send(header(12), '100000'), 'UMBRAL_ERR_INVALID_REQUEST', /Inference-Header-Content-Length.*is 100000 but the body has only/],
      ['a header length that is not a number', () => send(header(12), 'twelve'), 'UMBRAL_ERR_INVALID_REQUEST', /Inference-Header-Content-Length/],
      ['a header length that cuts the JSON', () => send(header(12), '10'), 'UMBRAL_ERR_INVALID_JSON', /not valid JSON/],
      ['sizes beyond the body', () => send(Buffer.concat([header(12), Buffer.alloc(4)]), String(header(12).length)), 'UMBRAL_ERR_INVALID_DATA', /only 4 bytes/],
      ['bytes no size accounts for', () => send(Buffer.concat([header(12), Buffer.alloc(16)]), String(header(12).length)), 'UMBRAL_ERR_INVALID_REQUEST', /4 bytes of binary data follow/],
      ['a size that is not datatype × shape', () => send(Buffer.concat([header(8), Buffer.alloc(8)]), String(header(8).length)), 'UMBRAL_ERR_INVALID_DATA', /needs 12 bytes/],
      ['the header on a route that takes no binary data', () => send(Buffer.from('{}'), '2', `${server.url}/admin/cache/clear`), 'UMBRAL_ERR_INVALID_REQUEST', /infer routes only/],
    ];
    for (const [name, run, code, message] of cases) {
      it(name, async () => {
        const answer = await run();
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.code, code);
        assert.match(String(answer.body.error), message);
      });
    }

    it('an input with neither data nor binary_data_size', async () => {
      const answer = await postJson(infer('echo'), { inputs: [{ name: 'fp32', datatype: 'FP32', shape: [1, 3] }] });
      assert.equal(answer.status, 400);
      assert.match(String(answer.body.error), /inputs\[0\]\.data.*binary_data_size/);
    });
  });
});
