import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { backendContract } from './support/backends/backend-contract.js';
import type { LoadedModel } from '../src/backends/backend.js';
import { OpenAiBackend } from '../src/backends/openai/openai-backend.js';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';

const never = new AbortController().signal;
const environment = { TEST_OPENAI_KEY: 'sk-test-secret' };

/** Writes an artifact as the registry does: `{ backend, openai, resilience }`. */
async function writeArtifact(dir: string, name: string, artifact: unknown): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, typeof artifact === 'string' ? artifact : JSON.stringify(artifact));
  return path;
}

const prompt = (i: number) => ({ name: 'text_input', datatype: 'BYTES' as const, shape: [1], data: [`prompt number ${i}`] });

backendContract('openai', async () => {
  const upstream = await startOpenAiUpstream();
  const dir = await mkdtemp(join(tmpdir(), 'umbral-openai-'));
  return {
    backend: new OpenAiBackend({ environment }),
    valid: { model: 'tutor', version: '1', artifactPath: await writeArtifact(dir, 'valid', { backend: 'openai', openai: { base_urls: [upstream.url], api_key_env: 'TEST_OPENAI_KEY' } }) },
    broken: { model: 'broken', version: '1', artifactPath: await writeArtifact(dir, 'broken', { backend: 'openai', openai: { base_urls: [] } }) },
    sample: (i) => ({
      request: { inputs: [prompt(i)], outputs: [] },
      expected: [{ name: 'text_output', datatype: 'BYTES', shape: [1], data: [`echo: prompt number ${i}`] }],
    }),
    cleanup: async () => {
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('openai backend', () => {
  let upstream: OpenAiUpstream;
  let dir: string;
  const backend = new OpenAiBackend({ environment });
  const loaded: LoadedModel[] = [];
  const load = async (openai: object, model = 'tutor', extra: object = {}) => {
    const artifactPath = await writeArtifact(dir, `${model}-${loaded.length}`, { backend: 'openai', openai, ...extra });
    const version = await backend.load({ model, version: '1', artifactPath });
    loaded.push(version);
    return version;
  };
  const loadFailure = async (artifact: unknown) => {
    const artifactPath = await writeArtifact(dir, 'failing', artifact);
    const error = await backend.load({ model: 'm', version: '1', artifactPath }).then(() => undefined, (e: unknown) => e);
    assert.equal((error as { code?: string }).code, 'UMBRAL_ERR_MODEL_LOAD_FAILED');
    return (error as Error).message;
  };

  before(async () => {
    upstream = await startOpenAiUpstream();
    dir = await mkdtemp(join(tmpdir(), 'umbral-openai-'));
  });
  beforeEach(() => upstream.faults.set(undefined));
  after(async () => {
    await Promise.all(loaded.map((m) => m.release()));
    await backend.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads without calling the upstream: no warm-up, an LLM endpoint, the group as upstream', async () => {
    const posted = upstream.received.filter((r) => r.method === 'POST').length;
    const model = await load({ base_urls: [upstream.url] });
    assert.equal(model.warmUp, false);
    assert.equal(model.concurrency, 256);
    assert.equal(model.signature.platform, 'openai');
    assert.equal(model.upstream?.name, 'tutor');
    assert.deepEqual(model.upstream?.servers().map((s) => s.url), [upstream.url]);
    assert.ok(model.llm);
    assert.equal(upstream.received.filter((r) => r.method === 'POST').length, posted);
  });

  it('sends the key from the environment, the custom headers and the upstream model name', async () => {
    const model = await load({ base_urls: [upstream.url], api_key_env: 'TEST_OPENAI_KEY', model: 'gpt-up', headers: { 'x-team': 'tutor' } });
    const answer = await model.llm?.chat({ model: 'tutor', messages: [{ role: 'user', content: 'hi' }] }, never);
    assert.equal((answer?.choices as Array<{ message: { content: string } }>)[0]?.message.content, 'echo: hi');
    const last = upstream.received.at(-1);
    assert.deepEqual([last?.headers.authorization, last?.headers['x-team'], last?.body?.model], ['Bearer sk-test-secret', 'tutor', 'gpt-up']);
  });

  it('refuses a key variable that is not set, naming it and nothing else', async () => {
    const message = await loadFailure({ backend: 'openai', openai: { base_urls: [upstream.url], api_key_env: 'NOT_SET_ANYWHERE' } });
    assert.match(message, /NOT_SET_ANYWHERE/);
  });

  it('refuses broken descriptors, saying what is wrong', async () => {
    assert.match(await loadFailure('{ not json'), /not JSON/);
    assert.match(await loadFailure({ backend: 'openai', openai: { base_urls: [upstream.url], base_url: 'x' } }), /openai/);
    assert.match(await loadFailure({ backend: 'openai', openai: { base_urls: ['not a url'] } }), /openai\.base_urls\[0\]/);
    assert.match(await loadFailure({ backend: 'kserve', openai: { base_urls: [upstream.url] } }), /backend/);
    const missing = await backend.load({ model: 'm', version: '1', artifactPath: join(dir, 'absent.json') }).catch((e: Error) => e.message);
    assert.match(String(missing), /not found/);
  });

  it('streams through the group; a cut stream throws UMBRAL_ERR_UPSTREAM_FAILED', async () => {
    const model = await load({ base_urls: [upstream.url] });
    const body = { model: 'tutor', messages: [{ role: 'user', content: 'one two three' }] };
    const chunks: unknown[] = [];
    for await (const chunk of await model.llm!.chatStream(body, never)) chunks.push(chunk);
    assert.ok(chunks.length >= 4);
    upstream.faults.set({ kind: 'cut', rate: 1 });
    const stream = await model.llm!.chatStream(body, never);
    await assert.rejects((async () => {
      for await (const chunk of stream) void chunk;
    })(), (error: { code?: string }) => error.code === 'UMBRAL_ERR_UPSTREAM_FAILED');
  });

  it('refuses embeddings unless the descriptor enables them', async () => {
    const chat = await load({ base_urls: [upstream.url] });
    await assert.rejects(chat.llm!.embeddings({ model: 'tutor', input: 'x' }, never), (error: { status?: number }) => error.status === 400);
    const embedder = await load({ base_urls: [upstream.url], embeddings: true }, 'embedder');
    const answer = await embedder.llm!.embeddings({ model: 'embedder', input: ['a', 'b'] }, never);
    assert.equal((answer.data as unknown[]).length, 2);
  });

  it('maps a failing upstream to catalogue errors, and stops at once when the caller gives up', async () => {
    const model = await load({ base_urls: [upstream.url] });
    const body = { model: 'tutor', messages: [{ role: 'user', content: 'x' }] };
    upstream.faults.set({ kind: 'status500', rate: 1 });
    await assert.rejects(model.llm!.chat(body, never), (error: { code?: string }) => /^UMBRAL_ERR_UPSTREAM_/.test(error.code ?? ''));
    upstream.faults.set({ kind: 'hang', rate: 1 });
    const controller = new AbortController();
    const reason = new Error('client left');
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    await assert.rejects(model.llm!.chat(body, controller.signal));
    assert.ok(Date.now() - started < 1_000);
  });

  it('retries a failing server on the other one of the group, and says which setting is wrong', async () => {
    const failing = await startOpenAiUpstream();
    failing.faults.set({ kind: 'status503', rate: 1 });
    const model = await load({ base_urls: [failing.url, upstream.url] }, 'pair', { resilience: { health_check_interval_ms: 0 } });
    const body = { model: 'pair', messages: [{ role: 'user', content: 'x' }] };
    for (let i = 0; i < 4; i++) assert.ok(await model.llm!.chat(body, never));
    assert.ok(failing.faults.faulted >= 1, 'the failing server was never tried');
    await failing.close();
    assert.match(await loadFailure({ backend: 'openai', openai: { base_urls: [upstream.url] }, resilience: { retry: { max_attempts: 0 } } }),
      /resilience\.retry\.max_attempts/);
  });

  it('gives up at the deadline before an answer begins, but lets a started stream run past it', async () => {
    const slow = await startOpenAiUpstream({ chunkDelayMs: 60 });
    const model = await load({ base_urls: [slow.url] }, 'slow', { resilience: { timeout_ms: 300, health_check_interval_ms: 0 } });
    const body = { model: 'slow', messages: [{ role: 'user', content: 'a b c d e f g h i j' }] };
    const started = Date.now();
    const chunks: unknown[] = [];
    for await (const chunk of await model.llm!.chatStream(body, never)) chunks.push(chunk);
    assert.ok(Date.now() - started > 300, 'the stream was shorter than the deadline; the test proves nothing');
    assert.ok(chunks.length >= 10);
    slow.faults.set({ kind: 'hang', rate: 1 });
    await assert.rejects(model.llm!.chat(body, never), (error: { code?: string }) => error.code === 'UMBRAL_ERR_DEADLINE_EXCEEDED');
    await slow.close();
  });

  it('checks the health of its servers with GET /models', async () => {
    const gone = await startOpenAiUpstream();
    await gone.close();
    const model = await load({ base_urls: [gone.url, upstream.url] }, 'health', { resilience: { health_check_interval_ms: 50 } });
    const started = Date.now();
    while (model.upstream!.servers().every((s) => s.healthy) && Date.now() - started < 2_000) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(model.upstream!.servers().map((s) => [s.url, s.healthy]), [[gone.url, false], [upstream.url, true]]);
    assert.equal(model.upstream!.ready(), true);
    assert.ok(upstream.received.some((r) => r.method === 'GET' && r.path === '/v1/models'));
  });
});
