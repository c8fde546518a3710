import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { status, type Client } from '@grpc/grpc-js';
import { ECHO_MODEL_DIR, getJson, postJson, startTestServer, DEFAULT_MODELS, type TestServer } from './helpers/test-server.js';
import { asUint64Strings, tritonClient, tritonRpc, type DecodedConfig, type StatisticsOf } from './helpers/triton-client.js';

const row = (name: string, datatype: string, data: unknown[], shape: number[] = [1, 3]) => ({ name, datatype, shape, data });
/** One row of the echo model's inputs; `seed` makes it a different request. */
const echoRequest = (seed: number) => ({
  inputs: [
    row('fp32', 'FP32', [seed, 1, 2]), row('fp64', 'FP64', [0, 1, 2]), row('int32', 'INT32', [0, 1, 2]), row('int64', 'INT64', [0, 1, 2]),
    row('uint8', 'UINT8', [0, 1, 2]), row('bool', 'BOOL', [true, false, true]), row('bytes', 'BYTES', ['x'], [1]),
  ],
});

type Stats = { model_stats: Array<StatisticsOf<number>> };

describe('Triton\'s model configuration and statistics over REST and gRPC', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startTestServer({
      models: DEFAULT_MODELS,
      extraModels: {
        'cached-echo': {
          'model.yaml': 'max_batch_size: 8\ncache:\n  ttl_seconds: 300\n',
          '1/model.onnx': readFileSync(join(ECHO_MODEL_DIR, '1', 'model.onnx')),
        },
      },
    });
    client = tritonClient(server.grpcUrl as string);
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test over');
  });

  const infer = (model: string, body: object) => postJson(`${server.url}/v2/models/${model}/infer`, body);

  it('gives a model\'s configuration in Triton\'s JSON: snake_case, enums by name, int64 fields as numbers, dims without the batch dimension', async () => {
    const { status: code, body } = await getJson(`${server.url}/v2/models/echo/config`);
    assert.equal(code, 200);
    assert.equal(body.name, 'echo');
    assert.equal(body.platform, 'onnxruntime_onnx');
    assert.equal(body.backend, 'onnxruntime');
    assert.deepEqual(body.version_policy, { specific: { versions: [1] } });
    assert.equal(body.max_batch_size, 8);
    const inputs = body.input as Array<Record<string, unknown>>;
    assert.deepEqual(inputs.find((input) => input.name === 'fp32'), {
      name: 'fp32', data_type: 'TYPE_FP32', format: 'FORMAT_NONE', dims: [3], is_shape_tensor: false, allow_ragged_batch: false, optional: false,
    });
    assert.deepEqual(inputs.find((input) => input.name === 'bytes')?.dims, [], 'a [-1] tensor of a batching model has no other dimension');
    assert.deepEqual(body.dynamic_batching, {
      preferred_batch_size: [], max_queue_delay_microseconds: 5000, preserve_ordering: false,
      default_queue_policy: { timeout_action: 'REJECT', default_timeout_microseconds: 0, allow_timeout_override: false, max_queue_size: 1024 },
    });
    assert.deepEqual(body.instance_group, [{ name: 'echo', kind: 'KIND_CPU', count: 1 }]);
    assert.deepEqual(body.response_cache, { enable: false });
    assert.deepEqual((await getJson(`${server.url}/v2/models/echo/versions/1/config`)).body, body);
  });

  it('says a model without dynamic batching has none, and that a cached model is cached', async () => {
    const { body } = await getJson(`${server.url}/v2/models/cached-echo/config`);
    assert.equal(body.max_batch_size, 8);
    assert.equal(body.dynamic_batching, undefined);
    assert.deepEqual(body.response_cache, { enable: true });
  });

  it('answers the same configuration over gRPC', async () => {
    const { body } = await getJson(`${server.url}/v2/models/spam-classifier/config`);
    const answer = await tritonRpc<{ config: DecodedConfig }>(client, 'ModelConfig', { name: 'spam-classifier' });
    const config = answer.response?.config as DecodedConfig;
    assert.equal(config.max_batch_size, body.max_batch_size);
    assert.deepEqual(config.version_policy.specific?.versions, ['1']);
    assert.deepEqual(config.dynamic_batching?.preferred_batch_size, [16, 32]);
    // Every field REST prints, gRPC carries (Triton's other fields decode as their defaults).
    const restInput = (body.input as Array<Record<string, unknown>>)[0] ?? {};
    const grpcInput: Record<string, unknown> = config.input[0] ?? {};
    assert.deepEqual(asUint64Strings(restInput), Object.fromEntries(Object.keys(restInput).map((key) => [key, grpcInput[key]])));
    assert.deepEqual(config.output.map((o) => [o.name, o.data_type]),
      (body.output as Array<{ name: string; data_type: string }>).map((o) => [o.name, o.data_type]));
  });

  it('answers an unknown model or version with 404 and NOT_FOUND', async () => {
    for (const path of ['/v2/models/nope/config', '/v2/models/echo/versions/7/config', '/v2/models/nope/stats', '/v2/models/echo/versions/7/stats']) {
      const { status: code, body } = await getJson(`${server.url}${path}`);
      assert.equal(code, 404, path);
      assert.equal(typeof body.error, 'string', path);
    }
    assert.equal((await tritonRpc(client, 'ModelStatistics', { name: 'echo', version: '7' })).code, status.NOT_FOUND);
  });

  it('counts inferences, failures, queueing and each phase per version; REST and gRPC agree', async () => {
    const before = (await getJson(`${server.url}/v2/models/echo/stats`)).body as Stats;
    assert.deepEqual(before.model_stats.map((s) => [s.name, s.version, s.inference_count, s.inference_stats.success?.count]), [['echo', '1', 0, 0]]);
    for (const seed of [1, 2, 3]) assert.equal((await infer('echo', echoRequest(seed))).status, 200);
    // A shape the model does not take: refused by the version, counted as a failure.
    const bad = echoRequest(4);
    bad.inputs[0] = row('fp32', 'FP32', [1, 2, 3, 4], [1, 4]);
    assert.equal((await infer('echo', bad)).status, 400);

    const rest = (await getJson(`${server.url}/v2/models/echo/versions/1/stats`)).body as Stats;
    const [stats] = rest.model_stats;
    assert.equal(stats?.inference_count, 3);
    assert.equal(stats?.execution_count, 3, 'sequential requests run alone');
    const last = stats?.last_inference ?? 0;
    assert.ok(last >= Date.now() - 60_000 && last <= Date.now());
    const phases = stats?.inference_stats ?? {};
    assert.equal(phases.success?.count, 3);
    assert.equal(phases.fail?.count, 1);
    assert.ok((phases.fail?.ns ?? 0) > 0);
    for (const phase of ['success', 'queue', 'compute_input', 'compute_infer', 'compute_output']) assert.equal(phases[phase]?.count, 3, phase);
    for (const phase of ['success', 'compute_input', 'compute_infer']) assert.ok((phases[phase]?.ns ?? 0) > 0, `${phase} has a duration`);
    assert.deepEqual([phases.cache_hit?.count, phases.cache_miss?.count], [0, 0]);
    assert.equal(stats?.batch_stats.length, 1);
    const [batch] = stats?.batch_stats ?? [];
    assert.equal(batch?.batch_size, 1);
    assert.equal(batch?.compute_infer.count, 3);
    assert.ok((batch?.compute_infer.ns ?? 0) > 0);

    const grpc = await tritonRpc<{ model_stats: Array<StatisticsOf<string>> }>(client, 'ModelStatistics', { name: 'echo', version: '1' });
    assert.equal(grpc.code, status.OK, grpc.error?.message);
    const { memory_usage: memory, response_stats: responses, ...decoded } = grpc.response?.model_stats[0] ?? {};
    assert.deepEqual([memory, responses], [[], {}]);
    assert.deepEqual(decoded, asUint64Strings(stats));
  });

  it('counts a cache hit as a success without a run, and the miss before it', async () => {
    const request = echoRequest(42);
    const first = await infer('cached-echo', request);
    const second = await infer('cached-echo', request);
    assert.deepEqual([first.headers.get('x-umbral-cache'), second.headers.get('x-umbral-cache')], ['miss', 'hit']);
    const [stats] = ((await getJson(`${server.url}/v2/models/cached-echo/stats`)).body as Stats).model_stats;
    const phases = stats?.inference_stats ?? {};
    assert.equal(phases.success?.count, 2);
    assert.equal(phases.queue?.count, 2, 'a hit counts in the queue, with no time');
    assert.equal(phases.compute_infer?.count, 1);
    assert.equal(phases.cache_hit?.count, 1);
    assert.equal(phases.cache_miss?.count, 1);
    assert.ok((phases.cache_hit?.ns ?? 0) > 0 && (phases.cache_miss?.ns ?? 0) > 0);
    assert.deepEqual([stats?.inference_count, stats?.execution_count], [1, 1], 'hits are not inferences');
  });

  it('lists every model\'s versions at /v2/models/stats and in ModelStatistics without a name', async () => {
    const rest = (await getJson(`${server.url}/v2/models/stats`)).body as Stats;
    assert.deepEqual(rest.model_stats.map((s) => s.name), ['cached-echo', 'echo', 'spam-classifier']);
    const grpc = await tritonRpc<{ model_stats: Array<StatisticsOf<string>> }>(client, 'ModelStatistics', {});
    assert.deepEqual(grpc.response?.model_stats.map((s) => `${s.name}:${s.version}`), ['cached-echo:1', 'echo:1', 'spam-classifier:1']);
  });

  it('lists the model repository over REST as RepositoryIndex does over gRPC, and refuses a per-server load with the way to do it', async () => {
    const index = async (body?: string) => {
      const response = await fetch(`${server.url}/v2/repository/index`, { method: 'POST', ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
      return { status: response.status, body: await response.json() as unknown };
    };
    // tritonclient.http sends no body at all.
    const all = await index();
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const grpc = await tritonRpc<{ models: unknown[] }>(client, 'RepositoryIndex', {});
    assert.deepEqual(all.body, grpc.response?.models);
    assert.ok((all.body as Array<{ name: string; state: string }>).some((entry) => entry.name === 'echo' && entry.state === 'READY'));
    assert.deepEqual((await index('{"ready": true}')).body, (all.body as Array<{ state: string }>).filter((entry) => entry.state === 'READY'));
    const bad = await index('{"ready": "yes"}');
    assert.equal(bad.status, 400, JSON.stringify(bad.body));

    const load = await postJson(`${server.url}/v2/repository/models/echo/load`, {});
    assert.equal(load.status, 409);
    assert.equal(load.body.code, 'UMBRAL_ERR_NOT_SUPPORTED');
    assert.match(String(load.body.error), /\/admin\/models/);
  });
});
