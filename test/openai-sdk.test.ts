import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI, { APIError, AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError, RateLimitError } from 'openai';
import { stringify } from 'yaml';
import { ADMIN_KEY, call, createKey, startSecuredServer } from './helpers/access-kit.js';
import { ECHO_MODEL_DIR, type TestServer } from './helpers/test-server.js';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';

/** A `backend: openai` model.yaml on `baseUrl`, `attempts` tries per call, a breaker that stays closed. */
function openaiModel(baseUrl: string, options: { attempts?: number; embeddings?: boolean; extra?: object } = {}) {
  return {
    'model.yaml': stringify({
      backend: 'openai', required: false,
      openai: { base_urls: [baseUrl], model: 'fake-llm', embeddings: options.embeddings ?? false },
      resilience: {
        retry: { max_attempts: options.attempts ?? 1, initial_delay_ms: 1, max_delay_ms: 5 },
        breaker: { consecutive_failures: 1000, half_open_after_ms: 60_000 }, health_check_interval_ms: 0,
      },
      ...options.extra,
    }),
  };
}

/** What the upstream answers when the prompt does not fit, as OpenAI does. */
const CONTEXT_TOO_LONG = {
  status: 400,
  body: { error: { message: "This model's maximum context length is 8 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } },
};

/** What `call` rejected with, for assertions on the SDK's typed errors. */
async function rejection(call: Promise<unknown>): Promise<APIError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  assert.fail('the call succeeded');
}

const USER = [{ role: 'user' as const, content: 'bonjour tout le monde' }];

describe('the official openai SDK against umbral /v1', () => {
  let primary: OpenAiUpstream;
  let legacy: OpenAiUpstream;
  let failing: OpenAiUpstream;
  let server: TestServer;
  let sdk: OpenAI;
  /** No retries of the SDK's own: one call, one answer, whatever its status. */
  let once: (apiKey?: string) => OpenAI;

  before(async () => {
    [primary, legacy, failing] = await Promise.all([
      startOpenAiUpstream(), startOpenAiUpstream({ passThroughRoutes: false }), startOpenAiUpstream(),
    ]);
    server = await startSecuredServer({
      models: { echo: ECHO_MODEL_DIR },
      extraModels: {
        tutor: openaiModel(primary.url, { embeddings: true, attempts: 2 }),
        legacy: openaiModel(legacy.url),
        flaky: openaiModel(failing.url, { attempts: 3 }),
        metered: openaiModel(primary.url, { extra: { rate_limit: { requests_per_minute: 1 } } }),
      },
      overrides: { 'server.bodyLimitBytes': 64 * 1024 },
    });
    sdk = new OpenAI({ apiKey: ADMIN_KEY, baseURL: `${server.url}/v1` });
    once = (apiKey = ADMIN_KEY) => new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await server.shutdown('test over');
    await Promise.all([primary.close(), legacy.close(), failing.close()]);
  });

  it('chats, as JSON and as a stream', async () => {
    const answer = await sdk.chat.completions.create({ model: 'tutor', messages: USER });
    assert.equal(answer.choices[0]?.message.content, 'echo: bonjour tout le monde');
    const stream = await sdk.chat.completions.create({ model: 'tutor', messages: USER, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'echo: bonjour tout le monde');
  });

  it('embeds, in the SDK\'s default base64 encoding and in floats', async () => {
    const packed = await sdk.embeddings.create({ model: 'tutor', input: ['a b', 'c'] });
    const floats = await sdk.embeddings.create({ model: 'tutor', input: ['a b', 'c'], encoding_format: 'float' });
    assert.equal(packed.data.length, 2);
    assert.equal(packed.data[0]?.embedding.length, 8);
    assert.deepEqual(packed.data[0]?.embedding, floats.data[0]?.embedding.map((x) => Math.fround(x)));
  });

  it('lists the models and retrieves one; an unknown one is a NotFoundError with code model_not_found', async () => {
    const ids = [];
    for await (const model of sdk.models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), ['flaky', 'legacy', 'metered', 'tutor']);
    const tutor = await sdk.models.retrieve('tutor');
    assert.deepEqual([tutor.id, tutor.object, tutor.owned_by, typeof tutor.created], ['tutor', 'model', 'umbral', 'number']);
    const missing = await rejection(once().models.retrieve('no-such-model'));
    assert.ok(missing instanceof NotFoundError);
    assert.deepEqual([missing.status, missing.code, missing.type], [404, 'model_not_found', 'invalid_request_error']);
    const onnx = await rejection(once().models.retrieve('echo'));
    assert.ok(onnx instanceof NotFoundError, 'an ONNX model is not an LLM');
  });

  it('lists and retrieves only models of the caller\'s allow-list, and refuses the others as PermissionDeniedError', async () => {
    const { key } = await createKey(server, { scopes: ['infer'], models: ['tutor'] });
    assert.deepEqual((await once(key).models.list()).data.map((model) => model.id), ['tutor']);
    assert.equal((await once(key).models.retrieve('tutor')).id, 'tutor');
    // The one access gate refuses a model outside the allow-list on every route, as chat does.
    const hidden = await rejection(once(key).models.retrieve('legacy'));
    assert.ok(hidden instanceof PermissionDeniedError);
    assert.equal(hidden.code, 'UMBRAL_ERR_MODEL_NOT_ALLOWED');
    const denied = await rejection(once(key).chat.completions.create({ model: 'legacy', messages: USER }));
    assert.ok(denied instanceof PermissionDeniedError);
    assert.deepEqual([denied.status, denied.code, denied.type], [403, 'UMBRAL_ERR_MODEL_NOT_ALLOWED', 'permission_error']);
  });

  it('passes completions through, as JSON and as a stream', async () => {
    const answer = await sdk.completions.create({ model: 'tutor', prompt: 'say this' });
    assert.equal(answer.choices[0]?.text, 'echo: say this');
    assert.equal(primary.received.at(-1)?.body?.model, 'fake-llm');
    const stream = await sdk.completions.create({ model: 'tutor', prompt: 'one two', stream: true });
    let text = '';
    for await (const chunk of stream) {
      assert.equal(chunk.usage ?? undefined, undefined, 'usage the client did not ask for is not sent');
      text += chunk.choices[0]?.text ?? '';
    }
    assert.equal(text, 'echo: one two');
    assert.deepEqual(primary.received.at(-1)?.body?.stream_options, { include_usage: true }, 'umbral asks for usage, for accounting');
  });

  it('passes responses through, as JSON and as a stream of named events', async () => {
    const answer = await sdk.responses.create({ model: 'tutor', input: 'hello there' });
    assert.equal(answer.output_text, 'echo: hello there');
    const stream = await sdk.responses.create({ model: 'tutor', input: 'a b c', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    assert.equal(text, 'echo: a b c');
    assert.deepEqual([types[0], types.at(-1)], ['response.created', 'response.completed']);
  });

  it('answers the upstream\'s own 404 for a route it does not serve, and a 400 naming model for an ONNX model', async () => {
    const missing = await rejection(once().completions.create({ model: 'legacy', prompt: 'x' }));
    assert.ok(missing instanceof NotFoundError);
    assert.match(missing.message, /Invalid URL \(POST \/v1\/completions\)/);
    const onnx = await rejection(once().responses.create({ model: 'echo', input: 'x' }));
    assert.ok(onnx instanceof BadRequestError);
    assert.deepEqual([onnx.param, onnx.code], ['model', 'UMBRAL_ERR_INVALID_REQUEST']);
  });

  it('refuses a bad field as BadRequestError naming it in param', async () => {
    const bad = await rejection(once().chat.completions.create({ model: 'tutor', messages: USER, temperature: 7 }));
    assert.ok(bad instanceof BadRequestError);
    assert.deepEqual([bad.status, bad.param, bad.code, bad.type], [400, 'temperature', 'UMBRAL_ERR_INVALID_REQUEST', 'invalid_request_error']);
  });

  it('refuses a missing or wrong key as AuthenticationError', async () => {
    const wrong = await rejection(once('sk-not-a-key-of-this-server-0000000000').chat.completions.create({ model: 'tutor', messages: USER }));
    assert.ok(wrong instanceof AuthenticationError);
    assert.deepEqual([wrong.status, wrong.code, wrong.type], [401, 'invalid_api_key', 'authentication_error']);
    assert.equal(wrong.headers?.get('x-umbral-error-code'), 'UMBRAL_ERR_UNAUTHENTICATED');
  });

  it('refuses past umbral\'s own per-model rate limit as RateLimitError, with Retry-After', async () => {
    await sdk.completions.create({ model: 'metered', prompt: 'first' });
    const limited = await rejection(once().completions.create({ model: 'metered', prompt: 'second' }));
    assert.ok(limited instanceof RateLimitError);
    assert.deepEqual([limited.status, limited.code, limited.type], [429, 'rate_limit_exceeded', 'rate_limit_error']);
    assert.match(limited.headers?.get('retry-after') ?? '', /^\d+$/, 'a retry later can help: the SDK may wait and retry');
    assert.equal(limited.headers?.get('x-should-retry'), null);
  });

  it('passes on the upstream\'s own 400 (context_length_exceeded) with its message, type, param and code', async () => {
    primary.refuse(CONTEXT_TOO_LONG);
    try {
      const refused = await rejection(sdk.chat.completions.create({ model: 'tutor', messages: USER }));
      assert.ok(refused instanceof BadRequestError);
      assert.deepEqual([refused.status, refused.code, refused.param, refused.type], [400, 'context_length_exceeded', 'messages', 'invalid_request_error']);
      assert.match(refused.message, /maximum context length is 8 tokens/);
      assert.equal(refused.headers?.get('x-umbral-error-code'), 'UMBRAL_ERR_UPSTREAM_REJECTED');
    } finally {
      primary.refuse(undefined);
    }
  });

  it('passes on the upstream\'s own 429 after umbral\'s retries, and tells the SDK not to retry it again', async () => {
    primary.refuse({
      status: 429, headers: { 'x-ratelimit-limit-requests': '60', 'set-cookie': 'upstream=secret' },
      body: { error: { message: 'Rate limit reached for fake-llm in organization org-1 on tokens per min.', type: 'tokens', param: null, code: 'rate_limit_exceeded' } },
    });
    const before = primary.counts.chat;
    try {
      const limited = await rejection(sdk.chat.completions.create({ model: 'tutor', messages: USER }));
      assert.ok(limited instanceof RateLimitError);
      assert.deepEqual([limited.status, limited.code, limited.type], [429, 'rate_limit_exceeded', 'tokens']);
      assert.match(limited.message, /organization org-1/);
      assert.equal(primary.counts.chat - before, 2, 'the two attempts of the model\'s policy, and not one more');
      assert.equal(limited.headers?.get('x-should-retry'), 'false');
      assert.equal(limited.headers?.get('retry-after'), null);
      assert.equal(limited.headers?.get('set-cookie'), null, 'no upstream header reaches the client');
      assert.equal(limited.headers?.get('x-ratelimit-limit-requests'), null);
    } finally {
      primary.refuse(undefined);
    }
  });

  it('does not multiply umbral\'s retries: the SDK with its default retries makes the upstream see only umbral\'s attempts', async () => {
    failing.faults.set({ kind: 'status503', rate: 1, retryAfterSeconds: 0 });
    try {
      assert.equal(sdk.maxRetries, 2, 'the SDK\'s default');
      const failed = await rejection(sdk.chat.completions.create({ model: 'flaky', messages: USER }));
      assert.equal(failed.status, 503);
      assert.equal(failed.code, 'UMBRAL_ERR_UPSTREAM_UNAVAILABLE');
      assert.equal(failing.counts.chat, 3, 'max_attempts: 3, once');
      assert.equal(failed.headers?.get('x-should-retry'), 'false');
      assert.equal(failed.headers?.get('retry-after'), null);
    } finally {
      failing.faults.set(undefined);
    }
  });

  it('answers an unknown /v1 route 404 and a wrong method 405 with Allow, both in OpenAI\'s shape', async () => {
    const missing = await call(server, 'POST', '/v1/nope', { credential: ADMIN_KEY, body: {} });
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.body.error as object).sort(), ['code', 'message', 'param', 'type']);
    assert.deepEqual(missing.body.error, { message: 'no route POST /v1/nope', type: 'invalid_request_error', param: null, code: 'UMBRAL_ERR_ROUTE_NOT_FOUND' });
    const wrong = await call(server, 'GET', '/v1/chat/completions');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.equal((wrong.body.error as { code: string }).code, 'UMBRAL_ERR_METHOD_NOT_ALLOWED');
    const models = await call(server, 'DELETE', '/v1/models/tutor');
    assert.deepEqual([models.status, models.headers.get('allow')], [405, 'GET, HEAD']);
    // Outside /v1 the server's own shape stays.
    assert.equal(typeof (await call(server, 'GET', '/nope')).body.error, 'string');
  });

  it('answers bad JSON and a body too large in OpenAI\'s shape', async () => {
    const bad = await call(server, 'POST', '/v1/chat/completions', { credential: ADMIN_KEY, body: '{"model": ' });
    assert.equal(bad.status, 400);
    assert.deepEqual([(bad.body.error as { type: string }).type, (bad.body.error as { code: string }).code], ['invalid_request_error', 'UMBRAL_ERR_INVALID_JSON']);
    const big = await call(server, 'POST', '/v1/completions', { credential: ADMIN_KEY, body: { model: 'tutor', prompt: 'x'.repeat(100_000) } });
    assert.equal(big.status, 413);
    assert.deepEqual([(big.body.error as { type: string }).type, (big.body.error as { code: string }).code], ['invalid_request_error', 'UMBRAL_ERR_BODY_TOO_LARGE']);
  });

  it('logs a client that leaves mid-request as 499 UMBRAL_ERR_CANCELLED, nothing at error level', async () => {
    primary.faults.set({ kind: 'hang', rate: 1 });
    try {
      const leaving = new AbortController();
      const arrived = primary.nextRequest();
      const answer = fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST', signal: leaving.signal, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tutor', messages: USER }),
      }).catch(() => undefined);
      await arrived;
      leaving.abort();
      await answer;
      const logged = () => server.logLines().find((line) => line.msg === 'request' && line.route === '/v1/chat/completions' && line.status === 499);
      while (!logged()) await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(server.logLines().filter((line) => (line.level as number) >= 50), []);
    } finally {
      primary.faults.set(undefined);
    }
  });
});
