import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status, type Client } from '@grpc/grpc-js';
import { asJson, grpcClient, rawInput, rpc, trailer, typedInput, type GrpcOutput, type JsonTensor } from './helpers/grpc-client.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const echoInputs = (rows: number): JsonTensor[] => [
  { name: 'fp32', datatype: 'FP32', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i + 0.1) },
  { name: 'fp64', datatype: 'FP64', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i / 3) },
  { name: 'int32', datatype: 'INT32', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i * 1000 - 2500) },
  { name: 'int64', datatype: 'INT64', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => 2 ** 40 + i) },
  { name: 'uint8', datatype: 'UINT8', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => 250 + (i % 6)) },
  { name: 'bool', datatype: 'BOOL', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i % 2 === 0) },
  { name: 'bytes', datatype: 'BYTES', shape: [rows], data: Array.from({ length: rows }, (_, i) => `héllo ${i} "quoted" ✓`) },
];

interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: GrpcOutput[];
  raw_output_contents: Buffer[];
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** The response's outputs in the REST answer's form, from contents or raw bytes. */
const outputsOf = (response: InferResponse) =>
  response.outputs.map((output, i) => asJson(output, response.raw_output_contents[i])).sort(byName);

describe('gRPC inference service against the real server', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startTestServer();
    client = grpcClient(server.grpcUrl as string);
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test over');
  });

  const infer = (request: object) => rpc<InferResponse>(client, 'ModelInfer', request);
  const rest = async (body: object) => ((await postJson(`${server.url}/v2/models/echo/infer`, body)).body.outputs as JsonTensor[]).sort(byName);

  it('listens on a port of its own and answers liveness, readiness and server metadata', async () => {
    assert.ok(server.grpcPort && server.grpcPort > 0 && !server.url.endsWith(`:${server.grpcPort}`));
    assert.deepEqual((await rpc(client, 'ServerLive', {})).response, { live: true });
    assert.deepEqual((await rpc(client, 'ServerReady', {})).response, { ready: true });
    const meta = await rpc(client, 'ServerMetadata', {});
    assert.deepEqual(meta.response, (await getJson(`${server.url}/v2`)).body);
  });

  it('describes a model as REST does, with and without a version, and says whether it is ready', async () => {
    type Tensors = Array<{ shape: string[] }>;
    const meta = await rpc<{ name: string; inputs: Tensors; outputs: Tensors }>(client, 'ModelMetadata', { name: 'echo' });
    assert.equal(meta.code, status.OK);
    // int64 dimensions arrive as decimal strings (longs: String); -1 marks a variable one.
    const numeric = (tensors: Tensors) => tensors.map((t) => ({ ...t, shape: t.shape.map(Number) }));
    const { inputs, outputs } = meta.response as { inputs: Tensors; outputs: Tensors };
    assert.deepEqual({ ...meta.response, inputs: numeric(inputs), outputs: numeric(outputs) }, (await getJson(`${server.url}/v2/models/echo`)).body);
    assert.deepEqual((await rpc(client, 'ModelMetadata', { name: 'echo', version: '1' })).response, meta.response);
    assert.deepEqual((await rpc(client, 'ModelReady', { name: 'echo' })).response, { ready: true });
    assert.deepEqual((await rpc(client, 'ModelReady', { name: 'echo', version: '1' })).response, { ready: true });
    const unknown = await rpc(client, 'ModelReady', { name: 'nope' });
    assert.equal(unknown.code, status.NOT_FOUND);
    assert.equal(trailer(unknown, 'x-umbral-error-code'), 'UMBRAL_ERR_MODEL_NOT_FOUND');
  });

  it('infers every datatype of the echo model with typed contents, as REST answers the same request', async () => {
    const inputs = echoInputs(2);
    const answer = await infer({ model_name: 'echo', id: 'req-7', inputs: inputs.map(typedInput) });
    assert.equal(answer.code, status.OK, answer.error?.details);
    const response = answer.response as InferResponse;
    assert.equal(response.model_name, 'echo');
    assert.equal(response.model_version, '1');
    assert.equal(response.id, 'req-7');
    assert.deepEqual(response.raw_output_contents, [], 'typed in, typed out');
    assert.ok(response.outputs.every((o) => o.contents), 'every output has contents');
    assert.deepEqual(outputsOf(response), await rest({ inputs }));
    assert.match(trailer(answer, 'x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('infers with raw_input_contents and answers raw_output_contents, as REST answers the same request', async () => {
    const inputs = echoInputs(3);
    const raw = inputs.map(rawInput);
    const answer = await infer({ model_name: 'echo', model_version: '1', inputs: raw.map((r) => r.input), raw_input_contents: raw.map((r) => r.raw) });
    assert.equal(answer.code, status.OK, answer.error?.details);
    const response = answer.response as InferResponse;
    assert.equal(response.raw_output_contents.length, response.outputs.length);
    assert.ok(response.outputs.every((o) => !o.contents), 'no output has contents');
    assert.deepEqual(outputsOf(response), await rest({ inputs }));
    // Little-endian, as the spec says: the first FP32 element is 0.1f.
    const fp32 = response.raw_output_contents[response.outputs.findIndex((o) => o.name === 'fp32_out')] as Buffer;
    assert.equal(fp32.readFloatLE(0), Math.fround(0.1));
  });

  it('carries BYTES in and out, multi-byte UTF-8 and empty elements included, both ways', async () => {
    const texts = ['', 'ünïcödé ✓ 😀', 'a'.repeat(1000)];
    const input: JsonTensor = { name: 'bytes', datatype: 'BYTES', shape: [3], data: texts };
    const others = echoInputs(3).filter((i) => i.name !== 'bytes');
    for (const raw of [false, true]) {
      const all = [...others, input];
      const request = raw
        ? { model_name: 'echo', inputs: all.map((t) => rawInput(t).input), raw_input_contents: all.map((t) => rawInput(t).raw), outputs: [{ name: 'bytes_out' }] }
        : { model_name: 'echo', inputs: all.map(typedInput), outputs: [{ name: 'bytes_out' }] };
      const answer = await infer(request);
      assert.equal(answer.code, status.OK, answer.error?.details);
      assert.deepEqual(outputsOf(answer.response as InferResponse), [{ name: 'bytes_out', datatype: 'BYTES', shape: [3], data: texts }]);
    }
  });

  it('classifies with Triton\'s classification parameter, as REST does', async () => {
    const texts = ['Make money fast, click here to claim your free cash prize today', 'The kernel compiles fine now, I will send the patch tomorrow'];
    const tensor: JsonTensor = { name: 'text', datatype: 'BYTES', shape: [2], data: texts };
    const answer = await rpc<InferResponse>(client, 'ModelInfer', {
      model_name: 'spam-classifier', inputs: [typedInput(tensor)],
      outputs: [{ name: 'probabilities', parameters: { classification: { int64_param: 1 } } }, { name: 'label' }],
    });
    assert.equal(answer.code, status.OK, answer.error?.details);
    const outputs = outputsOf(answer.response as InferResponse);
    const restAnswer = await postJson(`${server.url}/v2/models/spam-classifier/infer`, {
      inputs: [tensor], outputs: [{ name: 'probabilities', parameters: { classification: 1 } }, { name: 'label' }],
    });
    assert.deepEqual(outputs, (restAnswer.body.outputs as JsonTensor[]).sort(byName));
    assert.match(String(outputs.find((o) => o.name === 'probabilities')?.data[0]), /^[0-9.e-]+:1:spam$/);
  });
});
