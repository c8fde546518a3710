import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { UpstreamError } from '../../resilience/upstream-error.js';
import { startOpenAiUpstream, type OpenAiUpstream } from '../../../test/support/fault-upstream/openai-upstream.js';
import { OpenAiClient } from './openai-client.js';

const never = new AbortController().signal;
const chatBody = { model: 'fake-llm', messages: [{ role: 'user', content: 'hello there' }] };

async function collect(stream: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const payloads: Record<string, unknown>[] = [];
  for await (const payload of stream) payloads.push(payload);
  return payloads;
}

function streamText(payloads: Record<string, unknown>[]): string {
  return payloads.map((p) => (p.choices as Array<{ delta?: { content?: string } }>)[0]?.delta?.content ?? '').join('');
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof UpstreamError, `expected an UpstreamError, got ${String(error)}`);
  return error;
}

describe('openai client', () => {
  let upstream: OpenAiUpstream;
  let client: OpenAiClient;

  before(async () => {
    upstream = await startOpenAiUpstream();
    client = new OpenAiClient({ baseUrl: `${upstream.url}/`, apiKey: 'sk-test', headers: { 'x-org': 'acme' } });
  });
  beforeEach(() => upstream.faults.set(undefined));
  after(async () => {
    await client.close();
    await upstream.close();
  });

  it('sends a chat completion with the key and the custom headers, and returns the JSON answer', async () => {
    const answer = await client.chat(chatBody, never);
    const choices = answer.choices as Array<{ message: { content: string } }>;
    assert.equal(choices[0]?.message.content, 'echo: hello there');
    assert.deepEqual(answer.usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    const last = upstream.received.at(-1);
    assert.equal(last?.path, '/v1/chat/completions');
    assert.equal(last?.headers.authorization, 'Bearer sk-test');
    assert.equal(last?.headers['x-org'], 'acme');
  });

  it('sends no Authorization header without a key', async () => {
    const keyless = new OpenAiClient({ baseUrl: upstream.url });
    await keyless.chat(chatBody, never);
    assert.equal(upstream.received.at(-1)?.headers.authorization, undefined);
    await keyless.close();
  });

  it('streams every chunk until [DONE], usage in the last one when asked', async () => {
    const stream = await client.chatStream({ ...chatBody, stream_options: { include_usage: true } }, never);
    const payloads = await collect(stream);
    assert.equal(streamText(payloads), 'echo: hello there');
    assert.deepEqual(payloads.at(-1)?.usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    assert.equal(upstream.received.at(-1)?.body?.stream, true);
  });

  it('throws from the iterable when the stream is cut before [DONE]', async () => {
    upstream.faults.set({ kind: 'cut', rate: 1 });
    const stream = await client.chatStream(chatBody, never);
    const error = await failure(collect(stream));
    assert.ok(error.failure === 'protocol' || error.failure === 'connect', error.failure);
  });

  it('throws a retryable status error with Retry-After for 503 and 429', async () => {
    upstream.faults.set({ kind: 'status503', rate: 1, retryAfterSeconds: 3 });
    const unavailable = await failure(client.chat(chatBody, never));
    assert.deepEqual([unavailable.failure, unavailable.details.status, unavailable.retryable, unavailable.details.retryAfterMs], ['status', 503, true, 3000]);
    upstream.faults.set({ kind: 'status429', rate: 1, retryAfterSeconds: 2 });
    const limited = await failure(client.chatStream(chatBody, never));
    assert.deepEqual([limited.details.status, limited.retryable, limited.details.retryAfterMs], [429, true, 2000]);
  });

  it('keeps the upstream message of a 500, which is not retried', async () => {
    upstream.faults.set({ kind: 'status500', rate: 1 });
    const error = await failure(client.embeddings({ model: 'e', input: 'x' }, never));
    assert.deepEqual([error.details.status, error.retryable, error.details.upstreamMessage], [500, false, 'injected 500']);
  });

  it('reports a 200 that is not JSON, or a stream event that is not, as a protocol failure', async () => {
    upstream.faults.set({ kind: 'malformed', rate: 1 });
    assert.equal((await failure(client.chat(chatBody, never))).failure, 'protocol');
    const stream = await client.chatStream(chatBody, never);
    assert.equal((await failure(collect(stream))).failure, 'protocol');
  });

  it('reports a reset connection as a retryable connect failure', async () => {
    upstream.faults.set({ kind: 'reset', rate: 1 });
    const error = await failure(client.chat(chatBody, never));
    assert.deepEqual([error.failure, error.retryable], ['connect', true]);
  });

  it('answers a slow request, and a hanging one rejects with the reason of the signal', async () => {
    upstream.faults.set({ kind: 'slow', rate: 1, slowMs: 50 });
    assert.ok(await client.chat(chatBody, never));
    upstream.faults.set({ kind: 'hang', rate: 1 });
    const reason = new Error('client went away');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(client.chat(chatBody, controller.signal), (error) => error === reason);
  });

  it('stops a stream when its signal fires, with the signal reason', async () => {
    const slow = await startOpenAiUpstream({ chunkDelayMs: 30 });
    const streaming = new OpenAiClient({ baseUrl: slow.url });
    const controller = new AbortController();
    const reason = new Error('client went away');
    const stream = await streaming.chatStream({ ...chatBody, messages: [{ role: 'user', content: 'a b c d e f g h' }] }, controller.signal);
    const seen: unknown[] = [];
    await assert.rejects((async () => {
      for await (const payload of stream) {
        seen.push(payload);
        if (seen.length === 2) controller.abort(reason);
      }
    })(), (error) => error === reason);
    assert.ok(seen.length < 6);
    await streaming.close();
    await slow.close();
  });

  it('embeds, lists models and checks health', async () => {
    const answer = await client.embeddings({ model: 'e', input: ['a', 'b'] }, never);
    assert.equal((answer.data as unknown[]).length, 2);
    assert.deepEqual(await client.models(never), ['fake-llm']);
    assert.equal(await client.healthy(never), true);
  });

  it('reports a refused connection as connect, and the server as unhealthy', async () => {
    const gone = await startOpenAiUpstream();
    await gone.close();
    const refused = new OpenAiClient({ baseUrl: gone.url });
    assert.equal((await failure(refused.chat(chatBody, never))).failure, 'connect');
    assert.equal(await refused.healthy(never), false);
    await refused.close();
  });
});
