import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@grpc/grpc-js';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { ADMIN_KEY, call, createKey, SPAM_REQUEST, startSecuredServer } from './helpers/access-kit.js';
import { grpcClient, rpc, trailer, typedInput } from './helpers/grpc-client.js';
import { openaiModel } from './helpers/remote-kit.js';
import { DEFAULT_MODELS, type TestServer } from './helpers/test-server.js';
import { startOpenAiUpstream, type OpenAiUpstream } from './support/fault-upstream/openai-upstream.js';

const databaseUrl = loadConfig().store.databaseUrl;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: this test reads umbral_predictions on a PostgreSQL server';

interface Row {
  request_id: string; model: string; version: string; principal: string | null; status: number; error_code: string | null;
  payload: string; inputs: unknown; outputs: unknown; prediction: unknown; features: Record<string, number[]> | null; latency_ms: number;
}

describe('the prediction log through the real server', { skip, timeout: 60_000 }, () => {
  const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
  let server: TestServer;
  let db: pg.Client;
  let client: Client;
  let key: string;
  let upstream: OpenAiUpstream;
  before(async () => {
    upstream = await startOpenAiUpstream();
    server = await startSecuredServer({
      models: DEFAULT_MODELS, extraModels: { tutor: openaiModel(upstream.url) }, environment: { TUTOR_KEY: 'sk-test-tutor' },
      overrides: { 'store.databaseUrl': databaseUrl, 'store.databaseSchema': schema },
    });
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    key = (await createKey(server, { scopes: ['infer'] })).key;
    client = grpcClient(server.grpcUrl as string);
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test over');
    await upstream?.close();
    await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.end();
  });

  const setPolicy = async (section: unknown, model = 'spam-classifier') => {
    const answer = await fetch(`${server.url}/admin/models/${model}/policy`, {
      method: 'PATCH', body: JSON.stringify({ prediction_log: section }),
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/merge-patch+json' },
    });
    assert.equal(answer.status, 200, await answer.text());
  };
  const infer = (body: unknown, headers: Record<string, string> = {}) =>
    call(server, 'POST', '/v2/models/spam-classifier/infer', { credential: key, body, headers });
  const rowOf = async (requestId: string): Promise<Row[]> => {
    await server.predictionLog.flush();
    return (await db.query<Row>(`SELECT * FROM ${schema}.umbral_predictions WHERE request_id = $1`, [requestId])).rows;
  };

  it('logs nothing while the policy has no prediction_log section', async () => {
    const answer = await infer(SPAM_REQUEST, { 'x-request-id': 'unlogged-1' });
    assert.equal(answer.status, 200);
    assert.deepEqual(await rowOf('unlogged-1'), []);
  });

  it('logs every request with its full payload, prediction, principal, version and latency', async () => {
    await setPolicy({ sample_rate: 1, payload: 'full' });
    const answer = await infer(SPAM_REQUEST, { 'x-request-id': 'full-1' });
    assert.equal(answer.status, 200);
    const [row, ...more] = await rowOf('full-1');
    assert.equal(more.length, 0);
    assert.ok(row);
    assert.deepEqual([row.model, row.version, row.status, row.error_code, row.payload], ['spam-classifier', '1', 200, null, 'full']);
    assert.match(String(row.principal), /^key:/);
    assert.ok(row.latency_ms > 0);
    assert.deepEqual(row.inputs, SPAM_REQUEST.inputs);
    const outputs = row.outputs as Array<{ name: string; data: unknown[] }>;
    assert.deepEqual(outputs.map((o) => o.name).sort(), (answer.body.outputs as Array<{ name: string }>).map((o) => o.name).sort());
    assert.deepEqual(outputs.find((o) => o.name === 'probabilities')?.data,
      (answer.body.outputs as Array<{ name: string; data: unknown[] }>).find((o) => o.name === 'probabilities')?.data);
    assert.equal((row.prediction as Array<{ class: string }>)[0]?.class, 'spam');
    assert.deepEqual(row.features?.['text.tokens'], [5]);
  });

  it('keeps a hash, or nothing, of the tensors as the policy says', async () => {
    await setPolicy({ payload: 'hash' });
    await infer(SPAM_REQUEST, { 'x-request-id': 'hash-1' });
    const [hashed] = await rowOf('hash-1');
    assert.match(String((hashed?.inputs as { sha256: string }).sha256), /^[0-9a-f]{64}$/);
    assert.ok(hashed?.prediction, 'the prediction is kept whatever the payload');
    await setPolicy({ payload: 'none' });
    await infer(SPAM_REQUEST, { 'x-request-id': 'none-1' });
    const [bare] = await rowOf('none-1');
    assert.deepEqual([bare?.payload, bare?.inputs, bare?.outputs], ['none', null, null]);
  });

  it('logs a failed request with its status and error code', async () => {
    await setPolicy({ payload: 'full' });
    const bad = { inputs: [{ name: 'text', datatype: 'FP32', shape: [1], data: [1] }] };
    const answer = await infer(bad, { 'x-request-id': 'bad-1' });
    assert.equal(answer.status, 400);
    const [row] = await rowOf('bad-1');
    assert.deepEqual([row?.status, row?.error_code, row?.outputs, row?.prediction], [400, answer.body.code, null, null]);
  });

  it('logs a gRPC call under the request id of its x-request-id trailer', async () => {
    const answer = await rpc(client, 'ModelInfer', { model_name: 'spam-classifier', inputs: SPAM_REQUEST.inputs.map(typedInput) }, { credential: key });
    assert.equal(answer.code, 0, answer.error?.details);
    const requestId = trailer(answer, 'x-request-id') as string;
    const [row] = await rowOf(requestId);
    assert.deepEqual([row?.model, row?.status], ['spam-classifier', 200]);
    assert.deepEqual(row?.inputs, SPAM_REQUEST.inputs);
  });

  it('samples by the policy\'s rate: none at 0', async () => {
    await setPolicy({ sample_rate: 0 });
    await infer(SPAM_REQUEST, { 'x-request-id': 'rate-0' });
    assert.deepEqual(await rowOf('rate-0'), []);
  });

  it('logs an OpenAI-compatible call: its body and answer as the payload, the prompt\'s size as its drift sample', async () => {
    await setPolicy({ sample_rate: 1, payload: 'full' }, 'tutor');
    const body = { model: 'tutor', messages: [{ role: 'user', content: 'bonjour tout le monde' }] };
    const answer = await call(server, 'POST', '/v1/chat/completions', { credential: key, body, headers: { 'x-request-id': 'chat-1' } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const [row] = await rowOf('chat-1');
    assert.deepEqual([row?.model, row?.status, row?.payload, row?.prediction], ['tutor', 200, 'full', null]);
    assert.deepEqual(row?.inputs, { route: 'chat', body });
    assert.deepEqual(row?.outputs, answer.body);
    assert.deepEqual([row?.features?.['prompt.length'], row?.features?.['prompt.tokens']], [[21], [4]]);

    await setPolicy({ payload: 'hash' }, 'tutor');
    await call(server, 'POST', '/v1/chat/completions', { credential: key, body: { ...body, model: 'unknown-model' }, headers: { 'x-request-id': 'chat-2' } });
    const streamed = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ ...body, stream: true }),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': 'chat-3' },
    });
    assert.equal(streamed.status, 200);
    await streamed.text();
    const [stream] = await rowOf('chat-3');
    assert.match(String((stream?.inputs as { sha256: string }).sha256), /^[0-9a-f]{64}$/);
    assert.equal(stream?.outputs, null, 'a stream\'s chunks are not kept');
    assert.deepEqual(await rowOf('chat-2'), [], 'a request for an unknown model has no policy that logs it');
  });
});
