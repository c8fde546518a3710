import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Principal } from '../../access/principal.js';
import { OpenAiClient } from '../../backends/openai/openai-client.js';
import { openAiLlm } from '../../backends/openai/openai-llm.js';
import { Errors } from '../../errors/catalogue.js';
import { InferenceService } from '../../inference/inference-service.js';
import type { ModelHost } from '../../inference/model-host.js';
import { Metrics } from '../../observability/metrics.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import { SseDataParser } from '../../protocol/openai/sse.js';
import { isUpstreamError } from '../../resilience/upstream-error.js';
import type { UpstreamGroup } from '../../resilience/upstream-group.js';
import { startOpenAiUpstream, type OpenAiUpstream } from '../../../test/support/fault-upstream/openai-upstream.js';
import { openAiRoutes } from './openai.js';
import { LlmPlane } from '../../inference/llm-plane.js';

/** The data plane's admission, letting everything in (no limits in these tests). */
const ADMIT_ALL = { admit: async () => ({ headers: {}, leave: () => undefined }) };

/** One server, no retries: what the routes see of a group, failures mapped as the real group does for these cases. */
function singleServerGroup(client: OpenAiClient, model: string): UpstreamGroup<OpenAiClient> {
  const call = async <T>(attempt: (c: OpenAiClient, s: AbortSignal) => Promise<T>, options: { signal: AbortSignal }) => {
    try {
      return await attempt(client, options.signal);
    } catch (error) {
      if (isUpstreamError(error)) throw Errors.upstreamUnavailable(model, error.message);
      throw error;
    }
  };
  return { call } as unknown as UpstreamGroup<OpenAiClient>;
}

interface Recorded { readonly tokens: Array<[string, number, number]>; readonly calls: Array<[string, boolean, string]> }

function recorder(): LlmUsageObserver & Recorded {
  const tokens: Recorded['tokens'] = [];
  const calls: Recorded['calls'] = [];
  return {
    tokens, calls,
    usage: (model, prompt, completion) => void tokens.push([model, prompt, completion]),
    request: (model, stream, outcome) => void calls.push([model, stream, outcome]),
  };
}

describe('openai routes', () => {
  let upstream: OpenAiUpstream;
  let client: OpenAiClient;
  let app: FastifyInstance;
  let observer: LlmUsageObserver & Recorded;
  let principal: Principal | null = null;

  before(async () => {
    upstream = await startOpenAiUpstream({ chunkDelayMs: 1 });
    client = new OpenAiClient({ baseUrl: upstream.url });
    const version = (model: string, llm: unknown, backend: string) => ({
      model, version: '1', config: { backend }, loaded: { llm },
    });
    const served = {
      tutor: version('tutor', openAiLlm(singleServerGroup(client, 'tutor'), { model: 'tutor', upstreamModel: 'gpt-up', embeddings: true }), 'openai'),
      chat: version('chat', openAiLlm(singleServerGroup(client, 'chat'), { model: 'chat', upstreamModel: 'chat', embeddings: false }), 'openai'),
      classifier: version('classifier', undefined, 'onnx'),
    };
    const host = {
      resolve: async (name: string) => {
        const found = served[name as keyof typeof served];
        if (!found) throw Errors.modelNotFound(name);
        return found;
      },
      list: () => Object.values(served).map((v) => ({
        plan: { name: v.model }, defaultVersion: '1', states: new Map([['1', { status: 'ready', version: v }]]),
      })),
      get: () => undefined,
    } as unknown as ModelHost;
    observer = recorder();
    app = Fastify();
    app.decorateRequest('principal', null);
    app.decorateRequest('served', null);
    app.addHook('onRequest', async (request) => {
      request.principal = principal;
    });
    const llm = new LlmPlane({ host, inference: new InferenceService(host, new Metrics(), 30_000), plane: ADMIT_ALL });
    await app.register(openAiRoutes, { llm, lifecycle: { startedAt: 1_700_000_000_000 }, llmObserver: observer, bodyLimitBytes: 1 << 20 });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  beforeEach(() => {
    upstream.faults.set(undefined);
    principal = null;
    observer.tokens.length = 0;
    observer.calls.length = 0;
  });
  after(async () => {
    await app.close();
    await client.close();
    await upstream.close();
  });

  const chat = (body: object) => app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'tutor', messages: [{ role: 'user', content: 'hi there' }], ...body } });

  it('answers a chat completion, rewriting the model for the upstream, and reports usage', async () => {
    const response = await chat({});
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().choices[0].message.content, 'echo: hi there');
    assert.equal(upstream.received.at(-1)?.body?.model, 'gpt-up');
    assert.deepEqual(observer.tokens, [['tutor', 2, 3]]);
    assert.deepEqual(observer.calls, [['tutor', false, 'ok']]);
  });

  it('streams server-sent events ending in [DONE], with usage', async () => {
    const response = await chat({ stream: true, stream_options: { include_usage: true } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/event-stream');
    assert.equal(response.headers['cache-control'], 'no-cache');
    const events = new SseDataParser().push(response.body);
    assert.equal(events.at(-1), '[DONE]');
    const text = events.slice(0, -1).map((e) => JSON.parse(e).choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, 'echo: hi there');
    assert.deepEqual(observer.tokens, [['tutor', 2, 3]]);
    assert.deepEqual(observer.calls, [['tutor', true, 'ok']]);
  });

  it('asks the upstream for usage on every stream, and relays it only to a client that asked', async () => {
    const response = await chat({ stream: true });
    const events = new SseDataParser().push(response.body);
    assert.equal(events.at(-1), '[DONE]');
    assert.ok(events.slice(0, -1).every((e) => !('usage' in JSON.parse(e))));
    assert.deepEqual(upstream.received.at(-1)?.body?.stream_options, { include_usage: true });
    assert.deepEqual(observer.tokens, [['tutor', 2, 3]]);
  });

  it('ends a stream cut upstream with an error event and no [DONE]', async () => {
    upstream.faults.set({ kind: 'cut', rate: 1 });
    const response = await chat({ stream: true });
    assert.equal(response.statusCode, 200);
    const events = new SseDataParser().push(response.body);
    assert.ok(!events.includes('[DONE]'));
    const last = JSON.parse(events.at(-1) ?? '{}');
    assert.equal(last.error.code, 'UMBRAL_ERR_UPSTREAM_FAILED');
    assert.equal(last.error.type, 'server_error');
    assert.ok(events.length >= 2, 'the chunks sent before the cut reach the client');
    assert.deepEqual(observer.calls, [['tutor', true, 'UMBRAL_ERR_UPSTREAM_FAILED']]);
  });

  it('answers a failure before the stream starts with a JSON error and its status, telling SDKs not to retry what umbral handled', async () => {
    upstream.faults.set({ kind: 'status503', rate: 1 });
    const response = await chat({ stream: true });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['x-should-retry'], 'false');
    assert.equal(response.headers['retry-after'], undefined);
    assert.ok(response.headers['x-request-id']);
    assert.deepEqual(Object.keys(response.json().error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(response.json().error.code, 'UMBRAL_ERR_UPSTREAM_UNAVAILABLE');
    assert.equal(response.json().error.type, 'server_error');
    assert.deepEqual(observer.calls, [['tutor', true, 'UMBRAL_ERR_UPSTREAM_UNAVAILABLE']]);
  });

  it('refuses a bad body in OpenAI shape, naming the field as param', async () => {
    const sent = upstream.received.length;
    const response = await chat({ messages: [{ role: 'robot', content: 'x' }] });
    assert.equal(response.statusCode, 400);
    assert.ok(response.headers['x-request-id']);
    const { error } = response.json();
    assert.deepEqual([error.type, error.param, error.code], ['invalid_request_error', 'messages[0].role', 'UMBRAL_ERR_INVALID_REQUEST']);
    assert.equal(upstream.received.length, sent, 'a bad body never reaches the upstream');
  });

  it('refuses a model that is not an LLM, an unknown one, and one the credential may not use', async () => {
    const notLlm = await chat({ model: 'classifier' });
    assert.equal(notLlm.statusCode, 400);
    assert.match(notLlm.json().error.message, /model classifier is not an LLM/);
    assert.equal(notLlm.json().error.param, 'model');
    const unknown = await chat({ model: 'nope' });
    assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'model_not_found']);
    assert.equal(unknown.headers['x-umbral-error-code'], 'UMBRAL_ERR_MODEL_NOT_FOUND');
    principal = { kind: 'key', id: 'key:1', actor: 'key:1', name: 'k', permissions: new Set(['infer']), models: ['chat'] };
    const denied = await chat({});
    assert.deepEqual([denied.statusCode, denied.json().error.code], [403, 'UMBRAL_ERR_MODEL_NOT_ALLOWED']);
  });

  it('embeds through a model that serves embeddings, and refuses one that does not', async () => {
    const embed = (model: string) => app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model, input: ['a b', 'c'] } });
    const response = await embed('tutor');
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().data.length, 2);
    assert.deepEqual(observer.tokens, [['tutor', 3, 0]]);
    const refused = await embed('chat');
    assert.deepEqual([refused.statusCode, refused.json().error.param], [400, 'model']);
  });

  it('lists the LLMs the caller may use', async () => {
    const all = await app.inject({ method: 'GET', url: '/v1/models' });
    assert.deepEqual(all.json(), { object: 'list', data: ['tutor', 'chat'].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'umbral' })) });
    principal = { kind: 'key', id: 'key:1', actor: 'key:1', name: 'k', permissions: new Set(['infer']), models: ['chat'] };
    const some = await app.inject({ method: 'GET', url: '/v1/models' });
    assert.deepEqual(some.json().data.map((m: { id: string }) => m.id), ['chat']);
  });

  it('cancels the upstream stream when the client goes away', async () => {
    const slow = await startOpenAiUpstream({ chunkDelayMs: 100 });
    const slowClient = new OpenAiClient({ baseUrl: slow.url });
    const llm = openAiLlm(singleServerGroup(slowClient, 'tutor'), { model: 'tutor', upstreamModel: 'tutor', embeddings: false });
    const host = { resolve: async () => ({ model: 'tutor', version: '1', config: { backend: 'openai' }, loaded: { llm } }), list: () => [], get: () => undefined };
    const slowApp = Fastify();
    slowApp.decorateRequest('principal', null);
    slowApp.decorateRequest('served', null);
    const plane = new LlmPlane({ host: host as never, inference: new InferenceService(host as never, new Metrics(), 30_000), plane: ADMIT_ALL });
    await slowApp.register(openAiRoutes, { llm: plane, lifecycle: { startedAt: 0 }, llmObserver: observer, bodyLimitBytes: 1 << 20 });
    await slowApp.listen({ port: 0, host: '127.0.0.1' });
    const { port } = slowApp.server.address() as AddressInfo;
    const body = JSON.stringify({ model: 'tutor', stream: true, messages: [{ role: 'user', content: 'one two three four five six seven eight' }] });
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest({ port, host: '127.0.0.1', path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', () => undefined);
      request.setTimeout(5_000, () => reject(new Error('no first chunk')));
      request.end(body);
    });
    const started = Date.now();
    while (slow.inFlight > 0 && Date.now() - started < 2_000) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(slow.inFlight, 0, 'the upstream request is still open');
    assert.ok(Date.now() - started < 800, 'the upstream stream was not cut short');
    while (observer.calls.length === 0 && Date.now() - started < 2_000) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(observer.calls, [['tutor', true, 'cancelled']]);
    await slowApp.close();
    await slowClient.close();
    await slow.close();
  });
});
