import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ECHO_MODEL_DIR, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const echoOnnx = readFileSync(join(ECHO_MODEL_DIR, '1/model.onnx'));

describe('a broken model is reported and the others serve', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      models: { echo: ECHO_MODEL_DIR },
      extraModels: {
        corrupt: { '1/model.onnx': 'this is not an ONNX model' },
        'bad-yaml': { 'model.yaml': 'max_batch_size: -3\n', '1/model.onnx': echoOnnx },
        mismatch: { 'model.yaml': 'input:\n  - name: fp32\n    datatype: INT8\n', '1/model.onnx': echoOnnx },
        optional: { 'model.yaml': 'required: false\n', '1/model.onnx': 'garbage' },
      },
    });
  });
  after(() => server.shutdown('test over'));

  it('says why on the broken model\'s ready endpoint', async () => {
    for (const [model, cause] of [['corrupt', /failed to load|ONNX|protobuf/i], ['bad-yaml', /max_batch_size/], ['mismatch', /INT8/]] as const) {
      const ready = await getJson(`${server.url}/v2/models/${model}/ready`);
      assert.equal(ready.status, 503, model);
      assert.equal(ready.body.ready, false);
      assert.match(String(ready.body.error), cause, `${model}: ${String(ready.body.error)}`);
      const infer = await postJson(`${server.url}/v2/models/${model}/infer`, { inputs: [] });
      assert.equal(infer.status, 503, `${model} infer`);
      assert.equal(infer.body.code, 'UMBRAL_ERR_MODEL_NOT_READY');
    }
  });

  it('logs the cause', () => {
    const errors = server.logLines().filter((line) => line.level === 50);
    for (const model of ['corrupt', 'bad-yaml', 'mismatch']) {
      assert.ok(errors.some((line) => line.model === model && typeof line.reason === 'string'), model);
    }
  });

  it('keeps serving the healthy model', async () => {
    assert.equal((await getJson(`${server.url}/v2/models/echo/ready`)).status, 200);
  });

  it('is not ready as a server while a required model is broken, and says which', async () => {
    assert.equal((await getJson(`${server.url}/v2/health/ready`)).status, 503);
    const ready = await getJson(`${server.url}/health/ready`);
    assert.equal(ready.status, 503);
    assert.match(JSON.stringify(ready.body.problems), /corrupt/);
    assert.doesNotMatch(JSON.stringify(ready.body.problems), /optional/);
    assert.equal((await getJson(`${server.url}/health/live`)).status, 200);
  });

  it('lists every model and its state in /info, without secrets', async () => {
    const info = await getJson(`${server.url}/info`);
    assert.equal(info.status, 200);
    const models = info.body.models as Array<{ name: string; problem?: string; versions: Array<{ status: string; reason?: string }> }>;
    assert.deepEqual(models.map((m) => m.name), ['bad-yaml', 'corrupt', 'echo', 'mismatch', 'optional']);
    assert.equal(models.find((m) => m.name === 'echo')?.versions[0]?.status, 'ready');
    assert.match(models.find((m) => m.name === 'corrupt')?.problem ?? '', /cannot be imported/);
    assert.equal(typeof info.body.uptimeSeconds, 'number');
    assert.equal(typeof (info.body.config as Record<string, unknown>)['server.port'], 'number');
  });
});
