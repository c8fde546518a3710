import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { startKserveUpstream, type KserveUpstream } from './index.js';

const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
const ADD_SUB_BODY = {
  id: 'r1',
  inputs: [
    { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i) },
    { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], data: Array.from({ length: 16 }, () => 1) },
  ],
};

async function call(upstream: KserveUpstream, method: 'GET' | 'POST', path: string, body?: unknown, options: { headersTimeout?: number } = {}) {
  const response = await request(`${upstream.httpUrl}${path}`, {
    method, dispatcher, ...options,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: text === '' ? undefined : JSON.parse(text) };
}

const infer = (upstream: KserveUpstream, body: unknown = ADD_SUB_BODY, model = 'add-sub') => call(upstream, 'POST', `/v2/models/${model}/infer`, body);

describe('HTTP fault upstream: the protocol', () => {
  let upstream: KserveUpstream;
  before(async () => { upstream = await startKserveUpstream(); });
  after(() => upstream.close());
  beforeEach(() => {
    upstream.faults.set(undefined);
    upstream.setReady(true);
    upstream.repository.load('add-sub');
    upstream.resetCounts();
  });

  it('answers health, server readiness and metadata', async () => {
    assert.equal((await call(upstream, 'GET', '/v2/health/live')).status, 200);
    assert.equal((await call(upstream, 'GET', '/v2/health/ready')).status, 200);
    upstream.setReady(false);
    assert.equal((await call(upstream, 'GET', '/v2/health/ready')).status, 503);
    assert.deepEqual((await call(upstream, 'GET', '/v2')).json.extensions, ['model_repository']);
    const metadata = await call(upstream, 'GET', '/v2/models/add-sub');
    assert.deepEqual(metadata.json.inputs, [{ name: 'INPUT0', datatype: 'INT32', shape: [-1, 16] }, { name: 'INPUT1', datatype: 'INT32', shape: [-1, 16] }]);
    assert.equal((await call(upstream, 'GET', '/v2/models/nope')).status, 404);
    assert.equal((await call(upstream, 'GET', '/v2/nothing/here')).status, 404);
  });

  it('runs add-sub and echo, by name and by version', async () => {
    const answer = await infer(upstream);
    assert.equal(answer.status, 200);
    assert.equal(answer.json.id, 'r1');
    assert.equal(answer.json.model_version, '1');
    assert.deepEqual(answer.json.outputs[0], { name: 'OUTPUT0', datatype: 'INT32', shape: [1, 16], data: Array.from({ length: 16 }, (_, i) => i + 1) });
    assert.deepEqual(answer.json.outputs[1].data, Array.from({ length: 16 }, (_, i) => i - 1));
    const versioned = await call(upstream, 'POST', '/v2/models/add-sub/versions/1/infer', ADD_SUB_BODY);
    assert.deepEqual(versioned.json.outputs, answer.json.outputs);
    assert.equal((await call(upstream, 'POST', '/v2/models/add-sub/versions/2/infer', ADD_SUB_BODY)).status, 404);
    const echo = await infer(upstream, { inputs: [{ name: 'INPUT', datatype: 'BYTES', shape: [2], data: ['hi', 'there'] }] }, 'echo');
    assert.deepEqual(echo.json.outputs, [{ name: 'OUTPUT', datatype: 'BYTES', shape: [2], data: ['hi', 'there'] }]);
    const fp32 = await infer(upstream, { inputs: [{ name: 'INPUT', datatype: 'FP32', shape: [1, 2], data: [0.5, -2] }] }, 'echo');
    assert.deepEqual(fp32.json.outputs[0].data, [0.5, -2]);
  });

  it('answers bad requests 400 with a JSON error', async () => {
    for (const body of [{ inputs: [] }, { inputs: [{ ...ADD_SUB_BODY.inputs[0], datatype: 'FP32' }, ADD_SUB_BODY.inputs[1]] }]) {
      const answer = await infer(upstream, body);
      assert.equal(answer.status, 400);
      assert.equal(typeof answer.json.error, 'string');
    }
    const notJson = await request(`${upstream.httpUrl}/v2/models/add-sub/infer`, { method: 'POST', body: '{', dispatcher });
    assert.equal(notJson.statusCode, 400);
    assert.match((await notJson.body.json() as { error: string }).error, /JSON/);
  });

  it('loads and unloads models through the repository extension, and readiness follows', async () => {
    assert.equal((await call(upstream, 'POST', '/v2/repository/models/add-sub/unload', {})).text, '{}');
    assert.deepEqual((await call(upstream, 'POST', '/v2/repository/index', {})).json, [
      { name: 'add-sub', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' },
      { name: 'echo', version: '1', state: 'READY', reason: '' },
    ]);
    assert.deepEqual((await call(upstream, 'POST', '/v2/repository/index', { ready: true })).json.map((m: { name: string }) => m.name), ['echo']);
    assert.equal((await call(upstream, 'GET', '/v2/models/add-sub/ready')).status, 400);
    const refused = await infer(upstream);
    assert.equal(refused.status, 400);
    assert.match(refused.json.error, /add-sub/);
    const load = await call(upstream, 'POST', '/v2/repository/models/add-sub/load', {});
    assert.deepEqual([load.status, load.json], [200, {}]);
    assert.equal((await call(upstream, 'GET', '/v2/models/add-sub/ready')).status, 200);
    assert.equal((await call(upstream, 'GET', '/v2/models/add-sub/versions/1/ready')).status, 200);
    assert.equal((await infer(upstream)).status, 200);
    assert.equal((await call(upstream, 'POST', '/v2/repository/models/nope/load')).status, 400);
  });

  it('counts requests by route and protocol', async () => {
    await call(upstream, 'GET', '/v2/health/live');
    await infer(upstream);
    await infer(upstream);
    await call(upstream, 'POST', '/v2/repository/index');
    const counts = upstream.counts;
    assert.equal(counts.received, 4);
    assert.equal(counts.inFlight, 0);
    assert.deepEqual(counts.byRoute, { health: 1, metadata: 0, modelReady: 0, infer: 2, repository: 1 });
    assert.deepEqual(counts.byProtocol, { http: 4, grpc: 0 });
  });
});

describe('HTTP fault upstream: faults', () => {
  let upstream: KserveUpstream;
  before(async () => { upstream = await startKserveUpstream(); });
  after(() => upstream.close());
  beforeEach(() => upstream.resetCounts());

  it('answers the status faults, with Retry-After where set', async () => {
    upstream.faults.set({ kind: 'status503', rate: 1 });
    const plain503 = await infer(upstream);
    assert.deepEqual([plain503.status, plain503.headers['retry-after'], typeof plain503.json.error], [503, undefined, 'string']);
    upstream.faults.set({ kind: 'status503', rate: 1, retryAfterSeconds: 7 });
    assert.equal((await infer(upstream)).headers['retry-after'], '7');
    upstream.faults.set({ kind: 'status429', rate: 1 });
    const tooMany = await infer(upstream);
    assert.deepEqual([tooMany.status, tooMany.headers['retry-after']], [429, '1']);
    upstream.faults.set({ kind: 'status500', rate: 1 });
    assert.equal((await infer(upstream)).status, 500);
    assert.equal((await call(upstream, 'GET', '/v2/health/live')).status, 200, 'only inference is faulted by default');
    assert.deepEqual([upstream.counts.received, upstream.counts.faulted], [5, 4]);
  });

  it('answers malformed bodies', async () => {
    upstream.faults.set({ kind: 'malformed', rate: 1 });
    const answer = await infer(upstream);
    assert.deepEqual([answer.status, answer.json], [200, { outputs: 'nope' }]);
  });

  it('resets the connection before answering', async () => {
    upstream.faults.set({ kind: 'reset', rate: 1 });
    await assert.rejects(infer(upstream), (error: Error & { code?: string }) => error.code === 'UND_ERR_SOCKET');
  });

  it('cuts an answer shorter than its Content-Length', async () => {
    upstream.faults.set({ kind: 'cut', rate: 1 });
    const response = await request(`${upstream.httpUrl}/v2/models/add-sub/infer`, { method: 'POST', body: JSON.stringify(ADD_SUB_BODY), dispatcher });
    assert.equal(response.statusCode, 200);
    await assert.rejects(response.body.text());
  });

  it('answers correctly but late when slow', async () => {
    upstream.faults.set({ kind: 'slow', rate: 1, slowMs: 150 });
    const started = performance.now();
    const answer = await infer(upstream);
    assert.ok(performance.now() - started >= 140);
    assert.equal(answer.json.outputs[0].data[15], 16);
  });

  it('hangs until the client gives up, then forgets the request', async () => {
    upstream.faults.set({ kind: 'hang', rate: 1 });
    await assert.rejects(call(upstream, 'POST', '/v2/models/add-sub/infer', ADD_SUB_BODY, { headersTimeout: 100 }),
      (error: Error & { code?: string }) => error.code === 'UND_ERR_HEADERS_TIMEOUT');
    await until(() => upstream.counts.inFlight === 0);
  });

  it('faults about the share asked for, reproducibly', async () => {
    upstream.faults.set({ kind: 'status503', rate: 0.3 });
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i += 50) {
      statuses.push(...(await Promise.all(Array.from({ length: 50 }, async () => (await infer(upstream)).status))));
    }
    const share = statuses.filter((status) => status === 503).length / 1000;
    assert.ok(Math.abs(share - 0.3) <= 0.05, `share ${share}`);
    assert.equal(upstream.counts.faulted, statuses.filter((status) => status === 503).length);
    assert.ok(statuses.every((status) => status === 200 || status === 503));
  });

  it('faults every route when asked to', async () => {
    const all = await startKserveUpstream({ faultAllRoutes: true, fault: { kind: 'status500', rate: 1 } });
    try {
      assert.equal((await call(all, 'GET', '/v2/health/live')).status, 500);
      assert.equal((await call(all, 'POST', '/v2/repository/index')).status, 500);
    } finally {
      await all.close();
    }
  });
});

describe('HTTP fault upstream: lifecycle', () => {
  it('close() ends hanging requests and idle keep-alive connections promptly', async () => {
    const upstream = await startKserveUpstream({ fault: { kind: 'hang', rate: 1 } });
    assert.equal((await call(upstream, 'GET', '/v2/health/live')).status, 200);
    const hanging = infer(upstream);
    const outcome = hanging.then(() => 'answered', () => 'failed');
    await until(() => upstream.counts.inFlight === 1);
    const started = performance.now();
    await upstream.close();
    assert.equal(await outcome, 'failed');
    assert.ok(performance.now() - started < 1000, 'close took too long');
    await until(() => upstream.counts.inFlight === 0);
  });

  it('adds delayMs to every answer', async () => {
    const upstream = await startKserveUpstream({ delayMs: 120 });
    try {
      const started = performance.now();
      assert.equal((await call(upstream, 'GET', '/v2/health/live')).status, 200);
      assert.ok(performance.now() - started >= 110);
    } finally {
      await upstream.close();
    }
  });

  after(() => dispatcher.close());
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
