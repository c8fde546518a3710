import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { stringify } from 'yaml';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';
import { grpcClient, rpc, trailer } from './helpers/grpc-client.js';
import { addSubRequest, addSubRpc, kserveModel } from './helpers/remote-kit.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const NO_RETRY = { retry: { max_attempts: 1 }, health_check_interval_ms: 0, timeout_ms: 60_000 };
const llmModel = (baseUrl: string) => ({
  'model.yaml': stringify({ backend: 'openai', required: false, openai: { base_urls: [baseUrl], model: 'fake-llm' }, resilience: NO_RETRY }),
});
const patchPolicy = (server: TestServer, model: string, patch: object) => fetch(`${server.url}/admin/models/${model}/policy`, {
  method: 'PATCH', body: JSON.stringify(patch), headers: { 'content-type': 'application/merge-patch+json' },
}).then(async (answer) => ({ status: answer.status, body: await answer.json() as Record<string, unknown> }));

/**
 * The data plane's one front: a model's rate limit and the request deadline hold alike on KServe v2
 * REST, gRPC and the OpenAI-compatible route, because all three call the same planes.
 */
describe('one front for every protocol', () => {
  let triton: KserveUpstream;
  let llm: OpenAiUpstream;
  let server: TestServer;
  before(async () => {
    [triton, llm] = await Promise.all([startKserveUpstream(), startOpenAiUpstream()]);
    server = await startTestServer({
      models: {},
      extraModels: {
        limited: kserveModel([triton.httpUrl], { resilience: NO_RETRY }), 'limited-llm': llmModel(llm.url),
        slow: kserveModel([triton.httpUrl], { resilience: NO_RETRY }), 'slow-llm': llmModel(llm.url),
      },
      overrides: { 'server.requestTimeoutMs': 400 },
    });
  });
  after(async () => {
    await server?.shutdown('test over');
    await Promise.all([triton?.close(), llm?.close()]);
  });

  const chat = (model: string) => postJson(`${server.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hello' }] });

  it('applies a model\'s rate limit, set in its policy, on KServe REST, gRPC and /v1/chat/completions alike', async () => {
    assert.equal((await patchPolicy(server, 'limited', { rate_limit: { requests_per_minute: 2 } })).status, 200);
    assert.equal((await patchPolicy(server, 'limited-llm', { rate_limit: { requests_per_minute: 2 } })).status, 200);
    const client = grpcClient(server.grpcUrl as string);
    try {
      // One caller (this address), one count per model whatever the protocol.
      assert.equal((await postJson(`${server.url}/v2/models/limited/infer`, addSubRequest())).status, 200);
      assert.equal((await rpc(client, 'ModelInfer', addSubRpc('limited'))).code, status.OK);
      const rest = await postJson(`${server.url}/v2/models/limited/infer`, addSubRequest());
      assert.equal(rest.status, 429);
      assert.equal(rest.body.code, 'UMBRAL_ERR_RATE_LIMITED');
      assert.match(String(rest.body.error), /on model 'limited'/);
      const grpc = await rpc(client, 'ModelInfer', addSubRpc('limited'));
      assert.equal(grpc.code, status.RESOURCE_EXHAUSTED);
      assert.equal(trailer(grpc, 'x-umbral-error-code'), 'UMBRAL_ERR_RATE_LIMITED');
    } finally {
      client.close();
    }
    assert.equal((await chat('limited-llm')).status, 200);
    assert.equal((await chat('limited-llm')).status, 200);
    const refused = await chat('limited-llm');
    assert.equal(refused.status, 429);
    // OpenAI's own code in the body, as its SDK reads it; umbral's in the header, as on every route.
    assert.equal((refused.body.error as { code?: string }).code, 'rate_limit_exceeded');
    assert.equal(refused.headers.get('x-umbral-error-code'), 'UMBRAL_ERR_RATE_LIMITED');
  });

  it('holds server.requestTimeoutMs on KServe REST, gRPC and /v1/chat/completions alike, and a model\'s own limits.timeout_ms', async () => {
    triton.faults.set({ kind: 'hang', rate: 1 });
    llm.faults.set({ kind: 'hang', rate: 1 });
    const client = grpcClient(server.grpcUrl as string);
    try {
      const rest = await postJson(`${server.url}/v2/models/slow/infer`, addSubRequest());
      assert.equal(rest.status, 504, JSON.stringify(rest.body));
      assert.equal(rest.body.code, 'UMBRAL_ERR_DEADLINE_EXCEEDED');
      assert.match(String(rest.body.error), /400 ms/);
      const grpc = await rpc(client, 'ModelInfer', addSubRpc('slow'));
      assert.equal(grpc.code, status.DEADLINE_EXCEEDED);
      assert.equal(trailer(grpc, 'x-umbral-error-code'), 'UMBRAL_ERR_DEADLINE_EXCEEDED');
      const late = await chat('slow-llm');
      assert.equal(late.status, 504, JSON.stringify(late.body));
      assert.equal((late.body.error as { code?: string }).code, 'UMBRAL_ERR_DEADLINE_EXCEEDED');
      // The model's own deadline, from its policy, in place of the server's.
      assert.equal((await patchPolicy(server, 'slow-llm', { limits: { timeout_ms: 150 } })).status, 200);
      const own = await chat('slow-llm');
      assert.equal(own.status, 504);
      assert.match(String((own.body.error as { message?: string }).message), /150 ms/);
    } finally {
      client.close();
      triton.faults.set(undefined);
      llm.faults.set(undefined);
    }
  });
});
