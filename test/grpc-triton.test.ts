import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { status, type Client } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../src/paths.js';
import { rawInput, typedInput, type JsonTensor } from './helpers/grpc-client.js';
import { getJson, startTestServer, type TestServer } from './helpers/test-server.js';
import {
  TRITON_PROTO, TRITON_RPCS, tritonClient, tritonRpc, tritonStream, type DecodedConfig, type StatisticsOf,
} from './helpers/triton-client.js';

/** The RPCs umbral's own proto declares: each must be answered to a client built from Triton's definitions. */
const UMBRAL_RPCS = Object.keys((loadSync(join(PACKAGE_ROOT, 'proto', 'inference.proto'))['inference.GRPCInferenceService'] ?? {}) as object);

const echoInputs = (rows: number): JsonTensor[] => [
  { name: 'fp32', datatype: 'FP32', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i + 0.5) },
  { name: 'fp64', datatype: 'FP64', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i / 4) },
  { name: 'int32', datatype: 'INT32', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i - 4) },
  { name: 'int64', datatype: 'INT64', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => 2 ** 40 + i) },
  { name: 'uint8', datatype: 'UINT8', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i) },
  { name: 'bool', datatype: 'BOOL', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i % 3 === 0) },
  { name: 'bytes', datatype: 'BYTES', shape: [rows], data: Array.from({ length: rows }, (_, i) => `row ${i}`) },
];

interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: Array<{ name: string; datatype: string; shape: string[] }>;
  raw_output_contents: Buffer[];
}

type Case = (client: Client, server: TestServer, t: TestContext) => Promise<void>;

/** One check per RPC umbral implements, each with Triton's messages; a new RPC needs its case here. */
const CASES: Readonly<Record<string, Case>> = {
  ServerLive: async (client) => {
    assert.deepEqual((await tritonRpc(client, 'ServerLive', {})).response, { live: true });
  },
  ServerReady: async (client) => {
    assert.deepEqual((await tritonRpc(client, 'ServerReady', {})).response, { ready: true });
  },
  ModelReady: async (client) => {
    assert.deepEqual((await tritonRpc(client, 'ModelReady', { name: 'echo', version: '1' })).response, { ready: true });
    assert.equal((await tritonRpc(client, 'ModelReady', { name: 'nope' })).code, status.NOT_FOUND);
  },
  ServerMetadata: async (client, server) => {
    const answer = await tritonRpc<{ extensions: string[] }>(client, 'ServerMetadata', {});
    assert.deepEqual(answer.response, (await getJson(`${server.url}/v2`)).body);
    for (const extension of ['model_configuration', 'statistics']) assert.ok(answer.response?.extensions.includes(extension), extension);
  },
  ModelMetadata: async (client) => {
    const answer = await tritonRpc<{ name: string; versions: string[]; platform: string; inputs: Array<{ shape: string[] }> }>(client, 'ModelMetadata', { name: 'echo' });
    assert.equal(answer.response?.name, 'echo');
    assert.equal(answer.response?.platform, 'onnxruntime_onnx');
    assert.deepEqual(answer.response?.versions, ['1']);
    assert.ok(answer.response?.inputs.every((input) => input.shape[0] === '-1'), 'int64 shapes decode, batch dimension -1');
  },
  ModelInfer: async (client) => {
    const typed = await tritonRpc<InferResponse>(client, 'ModelInfer', { model_name: 'echo', id: 'typed', inputs: echoInputs(2).map(typedInput) });
    assert.equal(typed.code, status.OK, typed.error?.message);
    assert.equal(typed.response?.id, 'typed');
    assert.equal(typed.response?.model_version, '1');
    assert.ok((typed.response?.outputs.length ?? 0) > 0);
    // raw_input_contents, as Triton's clients send by default.
    const raws = echoInputs(2).map(rawInput);
    const raw = await tritonRpc<InferResponse>(client, 'ModelInfer', {
      model_name: 'echo', id: 'raw', inputs: raws.map((r) => r.input), raw_input_contents: raws.map((r) => r.raw),
    });
    assert.equal(raw.code, status.OK, raw.error?.message);
    assert.equal(raw.response?.raw_output_contents.length, raw.response?.outputs.length, 'raw in, raw out');
    assert.ok(raw.response?.outputs.every((o) => o.shape[0] === '2'));
  },
  ModelConfig: async (client) => {
    const answer = await tritonRpc<{ config: DecodedConfig }>(client, 'ModelConfig', { name: 'echo' });
    assert.equal(answer.code, status.OK, answer.error?.message);
    const config = answer.response?.config as DecodedConfig;
    assert.equal(config.name, 'echo');
    assert.equal(config.platform, 'onnxruntime_onnx');
    assert.equal(config.backend, 'onnxruntime');
    assert.equal(config.max_batch_size, 8);
    assert.deepEqual(config.version_policy.specific?.versions, ['1']);
    assert.equal(config.scheduling_choice, 'dynamic_batching');
    assert.equal(config.dynamic_batching?.max_queue_delay_microseconds, '5000');
    const fp32 = config.input.find((input) => input.name === 'fp32');
    assert.deepEqual({ data_type: fp32?.data_type, dims: fp32?.dims }, { data_type: 'TYPE_FP32', dims: ['3'] }, 'dims without the batch dimension');
    assert.equal(config.input.find((input) => input.name === 'bytes')?.data_type, 'TYPE_STRING');
    assert.equal(config.instance_group[0]?.kind, 'KIND_CPU');
    // Fields umbral leaves out decode as Triton's defaults.
    assert.equal(config.sequence_batching ?? null, null);
    assert.equal(config.optimization, null);
    assert.deepEqual(config.model_warmup, []);
    assert.equal((await tritonRpc(client, 'ModelConfig', { name: 'nope' })).code, status.NOT_FOUND);
    assert.equal((await tritonRpc(client, 'ModelConfig', { name: 'echo', version: '9' })).code, status.NOT_FOUND);
  },
  ModelStatistics: async (client) => {
    const answer = await tritonRpc<{ model_stats: Array<StatisticsOf<string>> }>(client, 'ModelStatistics', { name: 'echo', version: '1' });
    assert.equal(answer.code, status.OK, answer.error?.message);
    const [stats] = answer.response?.model_stats ?? [];
    assert.equal(stats?.name, 'echo');
    assert.equal(stats?.version, '1');
    assert.ok(Number(stats?.inference_stats.success?.count) >= 1, 'the inferences of this test are counted');
    assert.ok(Number(stats?.inference_stats.compute_infer?.ns) > 0);
    assert.deepEqual(stats?.memory_usage, [], 'a field umbral leaves out decodes empty');
    assert.equal((await tritonRpc(client, 'ModelStatistics', { name: 'nope' })).code, status.NOT_FOUND);
  },
  RepositoryIndex: async (client) => {
    const answer = await tritonRpc<{ models: Array<{ name: string; version: string; state: string }> }>(client, 'RepositoryIndex', { ready: true });
    assert.ok(answer.response?.models.some((m) => m.name === 'echo' && m.version === '1' && m.state === 'READY'));
  },
  RepositoryModelLoad: async (client) => {
    const answer = await tritonRpc(client, 'RepositoryModelLoad', { model_name: 'echo', parameters: { config: { string_param: '{}' } } });
    assert.equal(answer.code, status.UNIMPLEMENTED, 'umbral\'s registry decides what serves; the refusal says how');
    assert.match(answer.error?.details ?? '', /admin/);
  },
  RepositoryModelUnload: async (client) => {
    const answer = await tritonRpc(client, 'RepositoryModelUnload', { model_name: 'echo', parameters: { unload_dependents: { bool_param: true } } });
    assert.equal(answer.code, status.UNIMPLEMENTED);
  },
  ModelStreamInfer: async (client) => {
    const stream = tritonStream<{ error_message: string; infer_response: InferResponse | null }>(client);
    const answer = new Promise<{ error_message: string; infer_response: InferResponse | null }>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    stream.write({ model_name: 'echo', id: 'streamed', inputs: echoInputs(1).map(typedInput) });
    const first = await answer;
    stream.end();
    assert.equal(first.error_message, '');
    assert.equal(first.infer_response?.id, 'streamed');
  },
};

describe('a client built from Triton\'s protocol definitions, against the real server', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startTestServer();
    client = tritonClient(server.grpcUrl as string);
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test over');
  });

  it('declares every RPC umbral implements, under Triton\'s names', (t) => {
    t.diagnostic(`Triton definitions used: ${TRITON_PROTO.source} (${TRITON_PROTO.dir})`);
    assert.ok(UMBRAL_RPCS.length >= 11, 'umbral\'s service was read');
    for (const rpc of UMBRAL_RPCS) {
      assert.ok(TRITON_RPCS.includes(rpc), `${rpc} is not one of Triton's RPCs`);
      assert.ok(rpc in CASES, `${rpc} has no case in this test`);
    }
  });

  for (const [rpc, check] of Object.entries(CASES)) {
    it(`${rpc} answers in Triton's messages`, async (t) => {
      if (!UMBRAL_RPCS.includes(rpc)) {
        t.skip(`${rpc} is not implemented by umbral`);
        return;
      }
      await check(client, server, t);
    });
  }
});
