import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { join } from 'node:path';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { rawOf, tritonInfer } from './helpers/triton-http-client.js';

const heavyRequest = (rows: number) => ({
  inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, 256], data: Array(rows * 256).fill(0.25) }],
});

describe('overload: bounded queue and deadline', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      models: { 'heavy-mlp': join(BUNDLED_MODELS_DIR, 'heavy-mlp') },
      overrides: { 'batching.maxQueueSize': 4 },
    });
  });
  after(() => server.shutdown('test over'));

  it('answers 503 with Retry-After once the queue is full, and serves the rest', async () => {
    // Binary tensors: a request costs the main thread next to nothing to read, so requests reach the
    // queue much faster than the worker runs them, however busy the machine (JSON parsing could pace them).
    const input = { name: 'input', datatype: 'FP32', shape: [64, 256], raw: rawOf(new Float32Array(64 * 256).fill(0.25)) };
    const responses = await Promise.all(Array.from({ length: 64 }, () => tritonInfer(`${server.url}/v2/models/heavy-mlp/infer`, [input])));
    const full = responses.filter((r) => r.status === 503);
    const ok = responses.filter((r) => r.status === 200);
    assert.equal(full.length + ok.length, responses.length, JSON.stringify(responses.map((r) => r.status)));
    assert.ok(full.length > 0, 'some requests found the queue full');
    assert.ok(ok.length >= 5, 'the queued ones were served');
    for (const response of full) {
      assert.equal(response.json.code, 'UMBRAL_ERR_QUEUE_FULL');
      assert.ok(Number(response.headers.get('retry-after')) >= 1);
    }
  });
});

describe('deadline', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      models: { 'heavy-mlp': join(BUNDLED_MODELS_DIR, 'heavy-mlp') },
      // The deadline is under test, not admission (whose default target is the deadline itself).
      overrides: { 'server.requestTimeoutMs': 1, 'batching.maxQueueWaitMs': 600_000 },
    });
  });
  after(() => server.shutdown('test over'));

  it('answers 504 when a request cannot finish within server.requestTimeoutMs', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () =>
      postJson(`${server.url}/v2/models/heavy-mlp/infer`, heavyRequest(64))));
    const late = responses.filter((r) => r.status === 504);
    assert.ok(late.length > 0, JSON.stringify(responses.map((r) => r.status)));
    for (const response of late) assert.equal(response.body.code, 'UMBRAL_ERR_DEADLINE_EXCEEDED');
    assert.ok(responses.every((r) => r.status === 504 || r.status === 200));
  });
});
