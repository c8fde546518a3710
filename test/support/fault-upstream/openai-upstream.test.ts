import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SseDataParser } from '../../../src/protocol/openai/sse.js';
import { embeddingOf } from './openai-answers.js';
import { startOpenAiUpstream, type OpenAiUpstream } from './openai-upstream.js';

const chat = { model: 'm', messages: [{ role: 'system', content: 'be kind' }, { role: 'user', content: 'hello world' }] };

describe('fake openai upstream', () => {
  let upstream: OpenAiUpstream;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${upstream.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });

  before(async () => {
    upstream = await startOpenAiUpstream({ embeddingDimensions: 4 });
  });
  beforeEach(() => upstream.faults.set(undefined));
  after(() => upstream.close());

  it('answers a chat completion with the echo of the last user message and usage, and records the headers', async () => {
    const response = await post('/chat/completions', chat, { authorization: 'Bearer k', 'x-custom': 'v' });
    const answer = await response.json() as { model: string; choices: Array<{ message: { content: string } }>; usage: object };
    assert.equal(answer.choices[0]?.message.content, 'echo: hello world');
    assert.equal(answer.model, 'm');
    assert.deepEqual(answer.usage, { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    assert.equal(upstream.received.at(-1)?.headers.authorization, 'Bearer k');
    assert.equal(upstream.received.at(-1)?.headers['x-custom'], 'v');
    assert.ok(upstream.counts.chat >= 1);
  });

  it('streams chunks, usage when asked, then [DONE]', async () => {
    const response = await post('/chat/completions', { ...chat, stream: true, stream_options: { include_usage: true } });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const events = new SseDataParser().push(await response.text());
    assert.equal(events.at(-1), '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { choices: Array<{ delta: { content?: string } }>; usage?: object });
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'echo: hello world');
    assert.ok(chunks.length > 3);
    assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  });

  it('embeds deterministically and lists models', async () => {
    const answer = await (await post('/embeddings', { model: 'e', input: ['a', 'b'] })).json() as { data: Array<{ embedding: number[] }> };
    assert.deepEqual(answer.data.map((d) => d.embedding), [embeddingOf('a', 4), embeddingOf('b', 4)]);
    assert.notDeepEqual(embeddingOf('a', 4), embeddingOf('b', 4));
    const models = await (await fetch(`${upstream.url}/models`)).json() as { data: Array<{ id: string }> };
    assert.deepEqual(models.data.map((m) => m.id), ['fake-llm']);
  });

  it('injects status faults with Retry-After, and counts them', async () => {
    upstream.faults.resetCounts();
    upstream.faults.set({ kind: 'status429', rate: 1, retryAfterSeconds: 4 });
    const limited = await post('/chat/completions', chat);
    assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '4']);
    upstream.faults.set({ kind: 'status500', rate: 1 });
    assert.equal((await post('/embeddings', { model: 'e', input: 'a' })).status, 500);
    assert.deepEqual([upstream.faults.requests, upstream.faults.faulted], [2, 2]);
  });

  it('injects malformed answers, resets and cut streams', async () => {
    upstream.faults.set({ kind: 'malformed', rate: 1 });
    const malformed = await post('/chat/completions', chat);
    assert.equal(malformed.status, 200);
    await assert.rejects(malformed.json());
    upstream.faults.set({ kind: 'reset', rate: 1 });
    await assert.rejects(post('/chat/completions', chat));
    upstream.faults.set({ kind: 'cut', rate: 1 });
    const cut = await post('/chat/completions', { ...chat, stream: true });
    const text = await cut.text().catch(() => 'broken');
    assert.ok(!text.includes('[DONE]'));
  });

  it('closes with a request hanging', async () => {
    const hanging = await startOpenAiUpstream();
    hanging.faults.set({ kind: 'hang', rate: 1 });
    const url = new URL(`${hanging.url}/chat/completions`);
    const ended = new Promise<string>((resolve) => {
      const request = httpRequest(url, { method: 'POST' }, () => resolve('answered'));
      request.on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? 'error'));
      request.end(JSON.stringify(chat));
    });
    while (hanging.counts.chat === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await hanging.close();
    assert.equal(await ended, 'ECONNRESET');
  });

  it('keeps no requests with record: false, but counts them', async () => {
    const quiet = await startOpenAiUpstream({ record: false });
    await fetch(`${quiet.url}/models`);
    assert.deepEqual([quiet.received.length, quiet.counts.models], [0, 1]);
    await quiet.close();
  });
});
