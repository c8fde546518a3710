import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';
import { ADMIN_KEY, call, createKey, startSecuredServer } from './helpers/access-kit.js';
import { grpcClient, rpc, trailer, typedInput, type JsonTensor } from './helpers/grpc-client.js';
import { addSubAnswer, addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const QUIET = { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 1000 }, health_check_interval_ms: 0 };

function tutorModel(baseUrl: string, cache: object) {
  return {
    'model.yaml': stringify({
      backend: 'openai', required: false, cache,
      openai: { base_urls: [baseUrl], model: 'fake-llm', api_key_env: 'TUTOR_KEY', embeddings: true },
      resilience: QUIET,
    }),
  };
}

describe('response cache through the real server (memory store)', () => {
  let upstream: KserveUpstream;
  let flaky: KserveUpstream;
  let llm: OpenAiUpstream;
  let server: TestServer;
  const infer = (model: string, body: object) => postJson(`${server.url}/v2/models/${model}/infer`, body);
  const upstreamInfers = () => upstream.counts.byRoute.infer;

  before(async () => {
    [upstream, flaky, llm] = await Promise.all([startKserveUpstream(), startKserveUpstream(), startOpenAiUpstream()]);
    server = await startTestServer({
      models: {},
      environment: { TUTOR_KEY: 'sk-test-key-0123456789' },
      extraModels: {
        adder: kserveModel([upstream.httpUrl], { cache: { ttl_seconds: 60 }, resilience: QUIET }),
        plain: kserveModel([upstream.httpUrl], { resilience: QUIET }),
        short: kserveModel([upstream.httpUrl], { cache: { ttl_seconds: 0.2 }, resilience: QUIET }),
        flaky: kserveModel([flaky.httpUrl], { cache: {}, fallback: ['plain'], resilience: QUIET }),
        lasting: kserveModel([flaky.httpUrl], { cache: { ttl_seconds: 0.2, stale_if_error_seconds: 60 }, resilience: QUIET }),
        tutor: tutorModel(llm.url, {}),
        'tutor-always': tutorModel(llm.url, { llm: 'always' }),
      },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await Promise.all([upstream.close(), flaky.close(), llm.close()]);
  });

  it('answers a repeated request from the cache: a miss, then a hit with the same outputs and its own id', async () => {
    const before = upstreamInfers();
    const first = await infer('adder', { id: 'one', ...addSubRequest(1) });
    const second = await infer('adder', { id: 'two', ...addSubRequest(1) });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.headers.get('x-umbral-cache'), 'miss');
    assert.equal(second.headers.get('x-umbral-cache'), 'hit');
    assert.deepEqual(second.body.outputs, first.body.outputs);
    assert.deepEqual((second.body.outputs as Array<{ data: number[] }>)[0]?.data, addSubAnswer(1).OUTPUT0);
    assert.equal(second.body.id, 'two');
    assert.equal(upstreamInfers() - before, 1);
  });

  it('keys on the whole request: other data, other outputs or other parameters are other entries', async () => {
    await infer('adder', addSubRequest(2));
    const variants = [
      addSubRequest(3),
      { ...addSubRequest(2), outputs: [{ name: 'OUTPUT1' }] },
      { ...addSubRequest(2), parameters: { priority: 1 } },
    ];
    for (const body of variants) assert.equal((await infer('adder', body)).headers.get('x-umbral-cache'), 'miss', JSON.stringify(body));
    const inputsReordered = { inputs: [...addSubRequest(2).inputs].reverse() };
    assert.equal((await infer('adder', inputsReordered)).headers.get('x-umbral-cache'), 'hit');
  });

  it('makes one upstream call for concurrent identical misses', async () => {
    upstream.faults.set({ kind: 'slow', rate: 1, slowMs: 200 });
    try {
      const before = upstreamInfers();
      const answers = await Promise.all(Array.from({ length: 20 }, () => infer('adder', addSubRequest(4))));
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
      assert.equal(upstreamInfers() - before, 1);
      assert.equal(answers.filter((a) => a.headers.get('x-umbral-cache') === 'miss').length, 1);
    } finally {
      upstream.faults.set(undefined);
    }
  });

  it('serves over gRPC what REST cached: one key for both protocols', async () => {
    const request = addSubRequest(5);
    assert.equal((await infer('adder', request)).headers.get('x-umbral-cache'), 'miss');
    const client = grpcClient(server.grpcUrl as string);
    try {
      const answer = await rpc(client, 'ModelInfer', { model_name: 'adder', inputs: request.inputs.map((t) => typedInput(t as JsonTensor)) });
      assert.equal(answer.code, 0, answer.error?.message);
      assert.equal(trailer(answer, 'x-umbral-cache'), 'hit');
    } finally {
      client.close();
    }
  });

  it('never stores a fallback\'s answer under the primary', async () => {
    flaky.faults.set({ kind: 'status503', rate: 1 });
    const during = await infer('flaky', addSubRequest(6));
    assert.equal(during.status, 200);
    assert.equal(during.headers.get('x-umbral-fallback'), 'plain:1');
    assert.equal(during.headers.get('x-umbral-cache'), 'miss');
    flaky.faults.set(undefined);
    const after = await infer('flaky', addSubRequest(6));
    assert.equal(after.headers.get('x-umbral-fallback'), null);
    assert.equal(after.headers.get('x-umbral-cache'), 'miss', 'the fallback answer was not stored');
    assert.equal((await infer('flaky', addSubRequest(6))).headers.get('x-umbral-cache'), 'hit');
  });

  it('answers with an expired answer while the model fails, marked stale (stale_if_error_seconds)', async () => {
    const fresh = await infer('lasting', addSubRequest(10));
    assert.equal(fresh.headers.get('x-umbral-cache'), 'miss');
    await sleep(300);
    flaky.faults.set({ kind: 'status503', rate: 1 });
    try {
      const stale = await infer('lasting', addSubRequest(10));
      assert.equal(stale.status, 200, JSON.stringify(stale.body));
      assert.equal(stale.headers.get('x-umbral-cache'), 'stale');
      assert.deepEqual(stale.body.outputs, fresh.body.outputs);
      const unknown = await infer('lasting', addSubRequest(11));
      assert.equal(unknown.status, 503, 'nothing cached for this request: the failure shows');
    } finally {
      flaky.faults.set(undefined);
    }
    assert.equal((await infer('lasting', addSubRequest(10))).headers.get('x-umbral-cache'), 'miss', 'the upstream is back: a fresh answer');
  });

  it('never serves an entry past its TTL', async () => {
    assert.equal((await infer('short', addSubRequest(7))).headers.get('x-umbral-cache'), 'miss');
    assert.equal((await infer('short', addSubRequest(7))).headers.get('x-umbral-cache'), 'hit');
    await sleep(300);
    assert.equal((await infer('short', addSubRequest(7))).headers.get('x-umbral-cache'), 'miss');
  });

  it('leaves a model without a cache policy alone: no header, every request upstream', async () => {
    const before = upstreamInfers();
    const answers = [await infer('plain', addSubRequest(8)), await infer('plain', addSubRequest(8))];
    assert.deepEqual(answers.map((a) => a.headers.get('x-umbral-cache')), [null, null]);
    assert.equal(upstreamInfers() - before, 2);
  });

  it('caches an LLM chat only when deterministic (temperature 0) unless the policy says always, and embeddings always', async () => {
    const chat = (model: string, extra: object) => postJson(`${server.url}/v1/chat/completions`, {
      model, messages: [{ role: 'user', content: 'what is a tensor' }], ...extra,
    });
    const status = async (call: Promise<{ status: number; headers: Headers }>) => {
      const answer = await call;
      assert.equal(answer.status, 200);
      return answer.headers.get('x-umbral-cache');
    };
    assert.deepEqual([await status(chat('tutor', { temperature: 0 })), await status(chat('tutor', { temperature: 0 }))], ['miss', 'hit']);
    assert.deepEqual([await status(chat('tutor', { temperature: 0.7 })), await status(chat('tutor', {}))], [null, null]);
    assert.deepEqual([await status(chat('tutor-always', { temperature: 0.7 })), await status(chat('tutor-always', { temperature: 0.7 }))], ['miss', 'hit']);
    const embed = () => postJson(`${server.url}/v1/embeddings`, { model: 'tutor', input: 'a tensor is an array' });
    assert.deepEqual([await status(embed()), await status(embed())], ['miss', 'hit']);
    const streamed = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tutor', stream: true, temperature: 0, messages: [{ role: 'user', content: 'what is a tensor' }] }),
    });
    assert.equal(streamed.headers.get('x-umbral-cache'), null, 'streams are never cached');
    await streamed.text();
  });

  it('counts hits, misses, hit rate, entries and bytes in /metrics and /info', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /umbral_cache_lookups_total\{model="adder",result="hit"\} [1-9]/);
    assert.match(metrics, /umbral_cache_lookups_total\{model="adder",result="miss"\} [1-9]/);
    assert.match(metrics, /umbral_cache_hit_ratio\{model="adder"\} 0\.\d+/);
    assert.match(metrics, /umbral_cache_entries\{model="adder"\} [1-9]/);
    assert.match(metrics, /umbral_cache_bytes\{model="adder"\} [1-9]/);
    assert.match(metrics, /^umbral_cache_store_up 1$/m);
    const info = (await getJson(`${server.url}/info`)).body as { cache: { store: string; models: Record<string, { hits: number; misses: number; hitRate: number; memory: { entries: number } }> } };
    assert.equal(info.cache.store, 'memory');
    const adder = info.cache.models.adder;
    assert.ok(adder && adder.hits > 0 && adder.misses > 0 && adder.memory.entries > 0, JSON.stringify(adder));
    assert.equal(adder.hitRate, adder.hits / (adder.hits + adder.misses));
    assert.equal(info.cache.models.plain, undefined);
  });

  it('clears one model, or all, through POST /admin/cache/clear; refuses an unknown model or a bad body', async () => {
    await infer('adder', addSubRequest(9));
    await infer('short', addSubRequest(9));
    const cleared = await postJson(`${server.url}/admin/cache/clear`, { model: 'adder' });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.model, 'adder');
    assert.ok((cleared.body.removed as number) >= 1);
    assert.equal((await infer('adder', addSubRequest(9))).headers.get('x-umbral-cache'), 'miss');
    assert.equal((await infer('short', addSubRequest(9))).headers.get('x-umbral-cache'), 'hit', 'another model kept its entries');
    assert.equal((await fetch(`${server.url}/admin/cache/clear`, { method: 'POST' })).status, 200);
    assert.equal((await infer('short', addSubRequest(9))).headers.get('x-umbral-cache'), 'miss');
    const unknown = await postJson(`${server.url}/admin/cache/clear`, { model: 'nope' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'UMBRAL_ERR_MODEL_NOT_FOUND');
    const bad = await postJson(`${server.url}/admin/cache/clear`, { model: 5, extra: true });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /unknown field 'extra'/);
  });
});

describe('response cache with access control on', () => {
  let upstream: KserveUpstream;
  let server: TestServer;
  before(async () => {
    upstream = await startKserveUpstream();
    server = await startSecuredServer({
      models: {},
      extraModels: {
        shared: kserveModel([upstream.httpUrl], { cache: {}, resilience: QUIET }),
        private: kserveModel([upstream.httpUrl], { cache: { scope: 'caller' }, resilience: QUIET }),
      },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await upstream.close();
  });

  it('shares answers between callers by default, and keeps them apart with scope: caller', async () => {
    const [alice, bob] = await Promise.all([createKey(server, { scopes: ['infer'] }), createKey(server, { scopes: ['infer'] })]);
    const status = async (model: string, key: string) =>
      (await call(server, 'POST', `/v2/models/${model}/infer`, { credential: key, body: addSubRequest(1) })).headers.get('x-umbral-cache');
    assert.deepEqual([await status('shared', alice.key), await status('shared', bob.key)], ['miss', 'hit']);
    assert.deepEqual([await status('private', alice.key), await status('private', bob.key), await status('private', bob.key)], ['miss', 'miss', 'hit']);
  });

  it('checks access before the cache: a caller without a credential never reads an entry', async () => {
    const answer = await call(server, 'POST', '/v2/models/shared/infer', { body: addSubRequest(1) });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('x-umbral-cache'), null);
  });

  it('needs admin:write to clear the cache', async () => {
    const { key } = await createKey(server, { scopes: ['infer', 'admin:read'] });
    assert.equal((await call(server, 'POST', '/admin/cache/clear', { credential: key, body: {} })).status, 403);
    assert.equal((await call(server, 'POST', '/admin/cache/clear', { credential: ADMIN_KEY, body: {} })).status, 200);
  });
});
