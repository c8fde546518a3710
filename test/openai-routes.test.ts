import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const KEY = 'sk-test-9d8c7b6a5f4e3d2c1b0a';

function openaiModel(baseUrl: string, options: { fallback?: string[]; embeddings?: boolean; keyEnv?: string } = {}) {
  return {
    'model.yaml': stringify({
      backend: 'openai', required: false,
      openai: { base_urls: [baseUrl], model: 'fake-llm', api_key_env: options.keyEnv ?? 'TUTOR_KEY', headers: { 'x-team': 'tutor' }, embeddings: options.embeddings ?? false },
      resilience: { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 2, half_open_after_ms: 60_000 }, health_check_interval_ms: 0 },
      ...(options.fallback ? { fallback: options.fallback } : {}),
    }),
  };
}

/** The `data:` payloads of an SSE body, in order. */
function ssePayloads(text: string): string[] {
  return text.split('\n\n').map((event) => event.replace(/^data: /, '').trim()).filter((p) => p !== '');
}

describe('OpenAI-compatible routes through the real server (openai backend)', () => {
  let primary: OpenAiUpstream;
  let backup: OpenAiUpstream;
  let server: TestServer;
  const chat = (model: string, extra: object = {}) => postJson(`${server.url}/v1/chat/completions`, {
    model, messages: [{ role: 'user', content: 'bonjour tout le monde' }], ...extra,
  });
  before(async () => {
    [primary, backup] = await Promise.all([startOpenAiUpstream(), startOpenAiUpstream()]);
    server = await startTestServer({
      models: {},
      environment: { TUTOR_KEY: KEY },
      extraModels: {
        tutor: openaiModel(primary.url, { embeddings: true }),
        'tutor-failover': openaiModel(primary.url, { fallback: ['tutor-backup'] }),
        'tutor-backup': openaiModel(backup.url),
        'no-key': openaiModel(primary.url, { keyEnv: 'MISSING_KEY' }),
      },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await Promise.all([primary.close(), backup.close()]);
  });

  it('answers a chat completion from the upstream, with the key from the environment and the model\'s headers', async () => {
    const answer = await chat('tutor');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const choices = answer.body.choices as Array<{ message: { content: string } }>;
    assert.equal(choices[0]?.message.content, 'echo: bonjour tout le monde');
    assert.match(answer.headers.get('x-umbral-overhead-ms') ?? '', /^\d+\.\d\d$/);
    const sent = primary.received.at(-1);
    assert.equal(sent?.headers.authorization, `Bearer ${KEY}`);
    assert.equal(sent?.headers['x-team'], 'tutor');
    assert.equal(sent?.body?.model, 'fake-llm');
  });

  it('streams a chat completion as server-sent events ending with [DONE]', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tutor', stream: true, messages: [{ role: 'user', content: 'one two three' }] }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const payloads = ssePayloads(await response.text());
    assert.equal(payloads.at(-1), '[DONE]');
    const text = payloads.slice(0, -1).map((p) => (JSON.parse(p) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, 'echo: one two three');
  });

  it('ends a stream the upstream cut short with an error event and no [DONE]', async () => {
    primary.faults.set({ kind: 'cut', rate: 1 });
    try {
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tutor', stream: true, messages: [{ role: 'user', content: 'a b c d e f g h' }] }),
      });
      const payloads = ssePayloads(await response.text());
      assert.notEqual(payloads.at(-1), '[DONE]');
      assert.match(payloads.at(-1) ?? '', /"error"/);
    } finally {
      primary.faults.set(undefined);
    }
  });

  it('serves embeddings and lists the LLMs at /v1/models', async () => {
    const embeddings = await postJson(`${server.url}/v1/embeddings`, { model: 'tutor', input: ['hello'] });
    assert.equal(embeddings.status, 200, JSON.stringify(embeddings.body));
    assert.ok(Array.isArray((embeddings.body.data as Array<{ embedding: number[] }>)[0]?.embedding));
    const models = await getJson(`${server.url}/v1/models`);
    const ids = (models.body.data as Array<{ id: string }>).map((m) => m.id);
    assert.ok(ids.includes('tutor') && ids.includes('tutor-backup'));
  });

  it('refuses bad bodies with OpenAI\'s error shape and our code', async () => {
    const bad = await postJson(`${server.url}/v1/chat/completions`, { model: 'tutor', messages: [] });
    assert.equal(bad.status, 400);
    const error = bad.body.error as { message: string; type: string; code: string };
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'UMBRAL_ERR_INVALID_REQUEST');
    assert.match(error.message, /messages/);
    assert.equal((await chat('no-such-model')).status, 404);
  });

  it('refuses a pass-through field nested too deep to send on with a 400, not a stack overflow', async () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    for (const [path, body] of [
      ['/v1/chat/completions', `{"model": "tutor", "messages": [{"role": "user", "content": "hi"}], "metadata": ${deep}}`],
      ['/v1/embeddings', `{"model": "tutor", "input": "hi", "extra": ${deep}}`],
    ] as const) {
      const answer = await postJson(`${server.url}${path}`, body);
      assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
      const error = answer.body.error as { message: string; param: string; code: string };
      assert.equal(error.code, 'UMBRAL_ERR_INVALID_REQUEST');
      assert.match(error.param, /^(metadata|extra)(\[0\])+$/);
      assert.match(error.message, /nested deeper than 64 levels/);
    }
  });

  it('answers from the fallback provider when the primary fails, and says so', async () => {
    primary.faults.set({ kind: 'status503', rate: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await chat('tutor-failover');
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.equal(answer.headers.get('x-umbral-fallback'), 'tutor-backup:1');
      }
    } finally {
      primary.faults.set(undefined);
    }
  });

  it('does not load a model whose key variable is not set, and says which', async () => {
    const ready = await getJson(`${server.url}/v2/models/no-key/ready`);
    assert.equal(ready.status, 503);
    assert.match(String(ready.body.error), /MISSING_KEY/);
  });

  it('counts tokens in /metrics and never logs the key or the prompt', async () => {
    const metrics = (await getJson(`${server.url}/metrics`)).text;
    assert.match(metrics, /umbral_llm_tokens_total\{model="tutor",kind="prompt"\} [1-9]/);
    const log = JSON.stringify(server.logLines());
    assert.doesNotMatch(log, new RegExp(KEY));
    assert.doesNotMatch(log, /bonjour tout le monde/);
  });
});
