import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status, type Client } from '@grpc/grpc-js';
import { grpcClient, rawBytes, rawInput, rpc, trailer, typedInput, type JsonTensor } from './helpers/grpc-client.js';
import { getJson, startTestServer, type TestServer } from './helpers/test-server.js';

const fp32: JsonTensor = { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] };
const inputs = (): JsonTensor[] => [
  fp32,
  { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: [1, 2, 3] },
  { name: 'int32', datatype: 'INT32', shape: [1, 3], data: [1, 2, 3] },
  { name: 'int64', datatype: 'INT64', shape: [1, 3], data: [1, 2, 3] },
  { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: [1, 2, 3] },
  { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: [true, false, true] },
  { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['x'] },
];
const typed = (changes: Partial<Record<string, object>> = {}) => inputs().map((t) => ({ ...typedInput(t), ...changes[t.name] }));
const raw = () => inputs().map(rawInput);

describe('gRPC: bad requests are INVALID_ARGUMENT or NOT_FOUND with the catalogue code, never INTERNAL', () => {
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

  const cases: Array<[string, object, status, string, RegExp]> = [
    ['an unknown model', { model_name: 'nope', inputs: typed() }, status.NOT_FOUND, 'UMBRAL_ERR_MODEL_NOT_FOUND', /nope/],
    ['an unknown version', { model_name: 'echo', model_version: '7', inputs: typed() }, status.NOT_FOUND, 'UMBRAL_ERR_VERSION_NOT_FOUND', /7/],
    ['no model name', { inputs: typed() }, status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_REQUEST', /model_name/],
    ['no inputs', { model_name: 'echo' }, status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_REQUEST', /inputs/],
    ['a datatype the model does not take', { model_name: 'echo', inputs: typed({ int32: { datatype: 'FP32', contents: { fp32_contents: [1, 2, 3] } } }) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_DATATYPE_MISMATCH', /int32.*INT32/],
    ['a datatype the protocol does not have', { model_name: 'echo', inputs: typed({ fp32: { datatype: 'FLOAT' } }) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_REQUEST', /inputs\[0\]\.datatype.*FLOAT/],
    ['fewer elements than the shape holds', { model_name: 'echo', inputs: typed({ fp32: { contents: { fp32_contents: [1, 2] } } }) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_DATA_LENGTH_MISMATCH', /holds 3 elements but data has 2/],
    ['elements in the field of another datatype', { model_name: 'echo', inputs: typed({ fp32: { contents: { fp64_contents: [1, 2, 3] } } }) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_DATA', /contents\.fp32_contents, not contents\.fp64_contents/],
    ['an element out of the datatype\'s range', { model_name: 'echo', inputs: typed({ uint8: { contents: { uint_contents: [1, 300, 3] } } }) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_DATA', /300 is outside the range of UINT8/],
    ['BYTES that are not UTF-8, for an ONNX model (string tensors are text)', { model_name: 'echo', inputs: typed({ bytes: { contents: { bytes_contents: [Buffer.from([0xff, 0xfe])] } } }) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_BYTES_NOT_TEXT', /input 'bytes'.*not valid UTF-8/],
    ['a negative dimension', { model_name: 'echo', inputs: typed({ fp32: { shape: [-1, 3] } }) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_SHAPE', /dimension 0/],
    ['raw contents and typed contents together', { model_name: 'echo', inputs: typed(), raw_input_contents: raw().map((r) => r.raw) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_REQUEST', /contents.*raw_input_contents/],
    ['fewer raw entries than inputs', { model_name: 'echo', inputs: raw().map((r) => r.input), raw_input_contents: raw().slice(1).map((r) => r.raw) },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_REQUEST', /6 entries for 7 inputs/],
    ['raw contents of the wrong length', { model_name: 'echo', inputs: raw().map((r) => r.input), raw_input_contents: [rawBytes('FP32', [1, 2]), ...raw().slice(1).map((r) => r.raw)] },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_DATA', /hold 8 bytes where the shape's 3 elements of FP32 need 12/],
    ['a BYTES length prefix past the end', { model_name: 'echo', inputs: raw().map((r) => r.input), raw_input_contents: [...raw().slice(0, 6).map((r) => r.raw), Buffer.from([9, 0, 0, 0, 120])] },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_DATA', /element 0 declares 9 bytes but only 1 remain/],
    ['a classification of 0', { model_name: 'echo', inputs: typed(), outputs: [{ name: 'sum', parameters: { classification: { int64_param: 0 } } }] },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_INVALID_PARAMETER', /classification/],
    ['an output the model does not have', { model_name: 'echo', inputs: typed(), outputs: [{ name: 'nope' }] },
      status.INVALID_ARGUMENT, 'UMBRAL_ERR_UNKNOWN_OUTPUT', /nope/],
  ];

  for (const [what, request, code, umbralCode, message] of cases) {
    it(`refuses ${what}`, async () => {
      const answer = await rpc(client, 'ModelInfer', request);
      assert.equal(status[answer.code], status[code], answer.error?.details);
      assert.equal(trailer(answer, 'x-umbral-error-code'), umbralCode);
      assert.match(answer.error?.details ?? '', message);
      assert.ok(trailer(answer, 'x-request-id'));
    });
  }

  it('refuses a message above server.bodyLimitBytes with RESOURCE_EXHAUSTED', async () => {
    const big: JsonTensor = { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['x'.repeat(9 * 1024 * 1024)] };
    const answer = await rpc(client, 'ModelInfer', { model_name: 'echo', inputs: [typedInput(big)] });
    assert.equal(status[answer.code], 'RESOURCE_EXHAUSTED', answer.error?.details);
  });

  it('answers UNIMPLEMENTED for a method of Triton\'s service that umbral does not serve', async () => {
    assert.equal(status[(await rpc(client, 'CudaSharedMemoryStatus', {})).code], 'UNIMPLEMENTED');
  });

  it('lists its models through RepositoryIndex, and refuses repository load and unload with UNIMPLEMENTED and the way to do it', async () => {
    const index = await rpc<{ models: Array<{ name: string; version: string; state: string }> }>(client, 'RepositoryIndex', {});
    assert.equal(status[index.code], 'OK', index.error?.details);
    assert.ok(index.response?.models.some((m) => m.name === 'echo' && m.version === '1' && m.state === 'READY'));
    for (const method of ['RepositoryModelLoad', 'RepositoryModelUnload'] as const) {
      const answer = await rpc(client, method, { model_name: 'echo' });
      assert.equal(status[answer.code], 'UNIMPLEMENTED');
      assert.match(answer.error?.details ?? '', /admin API/);
    }
  });

  it('logs one line per call with method, code, latency, model and version, and never the tensors', async () => {
    await rpc(client, 'ModelInfer', { model_name: 'echo', inputs: typed() }, { metadata: { 'x-request-id': 'grpc-log-1' } });
    await rpc(client, 'ModelInfer', { model_name: 'echo', inputs: typed({ fp32: { shape: [1, 2] } }) }, { metadata: { 'x-request-id': 'grpc-log-2' } });
    const lines = (id: string) => server.logLines().filter((l) => l.reqId === id);
    const [ok, refused] = [lines('grpc-log-1'), lines('grpc-log-2')];
    assert.equal(ok.length, 1);
    const { protocol, method, code, model, version, principal, latencyMs } = ok[0] as Record<string, unknown>;
    assert.deepEqual({ protocol, method, code, model, version, principal },
      { protocol: 'grpc', method: 'ModelInfer', code: 'OK', model: 'echo', version: '1', principal: 'anonymous' });
    assert.equal(typeof latencyMs, 'number');
    assert.equal(refused[0]?.code, 'INVALID_ARGUMENT');
    assert.doesNotMatch(JSON.stringify(server.logLines()), /fp32_contents|raw_input/);
    const metrics = (await getJson(`${server.url}/metrics`)).text;
    assert.match(metrics, /umbral_grpc_request_duration_seconds_count\{method="ModelInfer",code="OK"\} [1-9]/);
    assert.match(metrics, /umbral_grpc_request_duration_seconds_count\{method="ModelInfer",code="INVALID_ARGUMENT"\} [1-9]/);
  });
});
