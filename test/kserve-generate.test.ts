import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';
import { openaiModel } from './helpers/remote-kit.js';
import { DEFAULT_MODELS, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

/** The JSON payloads of the `data:` events of an SSE body, in order. */
function events(text: string): Array<Record<string, unknown>> {
  return text.split('\n\n').filter((event) => event.startsWith('data: ')).map((event) => JSON.parse(event.slice(6)) as Record<string, unknown>);
}

describe('generate extension (POST /v2/models/{m}/generate and generate_stream) on an LLM', () => {
  let upstream: OpenAiUpstream;
  let slow: OpenAiUpstream;
  let server: TestServer;
  before(async () => {
    [upstream, slow] = await Promise.all([startOpenAiUpstream(), startOpenAiUpstream({ chunkDelayMs: 50 })]);
    server = await startTestServer({
      models: { echo: DEFAULT_MODELS.echo },
      environment: { TUTOR_KEY: 'sk-test-generate' },
      extraModels: { tutor: openaiModel(upstream.url), 'slow-tutor': openaiModel(slow.url) },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await Promise.all([upstream.close(), slow.close()]);
  });

  it('lists generate among the extensions of GET /v2', async () => {
    const answer = await getJson(`${server.url}/v2`);
    assert.ok((answer.body.extensions as string[]).includes('generate'));
  });

  it('answers text_output and sends the parameters to the upstream', async () => {
    const answer = await postJson(`${server.url}/v2/models/tutor/generate`, {
      text_input: 'bonjour le monde', parameters: { max_tokens: 12, temperature: 0.5, top_p: 0.9, seed: 7, stop: 'END', stream: false, top_k: 3 },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { model_name: 'tutor', model_version: '1', text_output: 'echo: bonjour le monde' });
    const sent = upstream.received.at(-1)?.body;
    assert.deepEqual(sent?.messages, [{ role: 'user', content: 'bonjour le monde' }]);
    assert.equal(sent?.max_tokens, 12);
    assert.equal(sent?.temperature, 0.5);
    assert.equal(sent?.top_p, 0.9);
    assert.equal(sent?.seed, 7);
    assert.deepEqual(sent?.stop, ['END']);
    assert.equal(sent?.top_k, undefined, 'a setting OpenAI does not know is not forwarded');
  });

  it('takes TensorRT-LLM style top-level keys and a version in the URL', async () => {
    const answer = await postJson(`${server.url}/v2/models/tutor/versions/1/generate`, { text_input: 'salut', max_tokens: 20, bad_words: '', stop_words: '' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.text_output, 'echo: salut');
    const sent = upstream.received.at(-1)?.body;
    assert.equal(sent?.max_tokens, 20);
    assert.equal(sent?.stop, undefined, 'an empty stop word means none');
  });

  it('streams each chunk of text as its own SSE event, and asks the upstream to stream', async () => {
    const response = await fetch(`${server.url}/v2/models/tutor/generate_stream`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text_input: 'one two three', parameters: { max_tokens: 5 } }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const received = events(await response.text());
    assert.deepEqual(received.map((e) => e.text_output), ['echo: ', 'one ', 'two ', 'three']);
    for (const event of received) assert.deepEqual([event.model_name, event.model_version], ['tutor', '1']);
    const sent = upstream.received.at(-1)?.body;
    assert.equal(sent?.stream, true);
    assert.equal(sent?.max_tokens, 5);
  });

  it('ends a stream the upstream cut short with an error event', async () => {
    upstream.faults.set({ kind: 'cut', rate: 1 });
    try {
      const response = await fetch(`${server.url}/v2/models/tutor/generate_stream`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text_input: 'a b c d e f g h' }),
      });
      assert.equal(response.status, 200);
      const last = events(await response.text()).at(-1);
      assert.equal(typeof last?.error, 'string');
      assert.match(last?.error as string, /stream broke off/);
    } finally {
      upstream.faults.set(undefined);
    }
  });

  it('stops the upstream stream when the client leaves, and logs a 499', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/v2/models/slow-tutor/generate_stream`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: controller.signal,
      body: JSON.stringify({ text_input: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ') }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    assert.equal(slow.inFlight, 1);
    controller.abort();
    await until(() => slow.inFlight === 0);
    await until(() => server.logLines().some((line) => line.code === 'UMBRAL_ERR_CANCELLED' && line.model === 'slow-tutor'));
    const line = server.logLines().find((l) => l.code === 'UMBRAL_ERR_CANCELLED' && l.model === 'slow-tutor');
    assert.equal(line?.status, 499);
    assert.ok(!server.logLines().some((l) => l.model === 'slow-tutor' && l.status === 500));
  });

  it('KServe infer on the LLM takes a [1,1] prompt (TensorRT-LLM), answers [1,1] and forwards the parameters', async () => {
    const answer = await postJson(`${server.url}/v2/models/tutor/infer`, {
      id: 'q-1', parameters: { max_tokens: 9, temperature: 0, stop: 'fin' },
      inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1, 1], data: ['quelle heure'] }],
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.id, 'q-1');
    assert.deepEqual(answer.body.outputs, [{ name: 'text_output', datatype: 'BYTES', shape: [1, 1], data: ['echo: quelle heure'] }]);
    const sent = upstream.received.at(-1)?.body;
    assert.equal(sent?.max_tokens, 9);
    assert.equal(sent?.temperature, 0);
    assert.deepEqual(sent?.stop, ['fin']);
    const vllm = await postJson(`${server.url}/v2/models/tutor/infer`, { inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['x'] }] });
    assert.deepEqual((vllm.body.outputs as Array<{ shape: number[] }>)[0]?.shape, [1]);
    const bad = await postJson(`${server.url}/v2/models/tutor/infer`, {
      parameters: { max_tokens: -1 }, inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['x'] }],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error as string, /max_tokens/);
    const twoPrompts = await postJson(`${server.url}/v2/models/tutor/infer`, { inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1, 2], data: ['x', 'y'] }] });
    assert.equal(twoPrompts.status, 400);
  });

  it('refuses a model that is not an LLM with a 400 that says so', async () => {
    const answer = await postJson(`${server.url}/v2/models/echo/generate`, { text_input: 'hello' });
    assert.equal(answer.status, 400);
    assert.match(answer.body.error as string, /not an LLM/);
    const streamed = await postJson(`${server.url}/v2/models/echo/generate_stream`, { text_input: 'hello' });
    assert.equal(streamed.status, 400);
  });

  it('refuses bad bodies with a 400 naming the field, and an unknown model with 404', async () => {
    const missing = await postJson(`${server.url}/v2/models/tutor/generate`, { parameters: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error as string, /text_input/);
    const bad = await postJson(`${server.url}/v2/models/tutor/generate`, { text_input: 'x', parameters: { temperature: 'hot' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'UMBRAL_ERR_INVALID_PARAMETER');
    assert.match(bad.body.error as string, /temperature/);
    const notObject = await postJson(`${server.url}/v2/models/tutor/generate`, '[1,2]');
    assert.equal(notObject.status, 400);
    const unknown = await postJson(`${server.url}/v2/models/nope/generate`, { text_input: 'x' });
    assert.equal(unknown.status, 404);
  });
});
