import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Metrics } from '../src/observability/metrics.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { ECHO_MODEL_DIR, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const oneRow = (k: number) => [
  { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: [k, k + 1, k + 2] },
  { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: [k, k, k] },
  { name: 'int32', datatype: 'INT32', shape: [1, 3], data: [k, -k, k] },
  { name: 'int64', datatype: 'INT64', shape: [1, 3], data: [k, k, k] },
  { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: [k % 256, 0, 1] },
  { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: [true, k % 2 === 0, false] },
  { name: 'bytes', datatype: 'BYTES', shape: [1], data: [`row ${k}`] },
];

function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('dynamic batching and metrics on the real server', () => {
  let server: TestServer;
  before(async () => {
    // The echo fixture waits up to 5 ms for a batch to fill (model.yaml), and one worker makes requests queue.
    server = await startTestServer({ models: { echo: ECHO_MODEL_DIR } });
  });
  after(() => server.shutdown('test over'));

  it('merges concurrent requests and gives each caller exactly its own rows', async () => {
    const responses = await Promise.all(Array.from({ length: 48 }, (_, k) =>
      postJson(`${server.url}/v2/models/echo/infer`, { id: String(k), inputs: oneRow(k) })));
    responses.forEach((response, k) => {
      assert.equal(response.status, 200);
      assert.equal(response.body.id, String(k));
      const outputs = response.body.outputs as Array<{ name: string; shape: number[]; data: unknown[] }>;
      assert.deepEqual(outputs.find((o) => o.name === 'fp32_out')?.data, [k, k + 1, k + 2]);
      assert.deepEqual(outputs.find((o) => o.name === 'bytes_out')?.data, [`row ${k}`]);
      assert.deepEqual(outputs.find((o) => o.name === 'sum')?.shape, [1, 1]);
    });
    const { text } = await getJson(`${server.url}/metrics`);
    const runs = sample(text, 'umbral_inference_batch_size_count', 'model="echo"');
    const rows = sample(text, 'umbral_inference_batch_size_sum', 'model="echo"');
    assert.equal(rows, 48);
    assert.ok(runs < 48, `48 concurrent requests ran in ${runs} runs: some must have been merged`);
    assert.ok(sample(text, 'umbral_inference_batch_size_bucket', 'le="1"') < runs, 'a batch larger than 1 is visible');
  });

  it('exports request, queue, compute, batch and process metrics', async () => {
    await postJson(`${server.url}/v2/models/echo/infer`, { inputs: oneRow(1).slice(1) });
    const { text, headers } = await getJson(`${server.url}/metrics`);
    assert.match(headers.get('content-type') ?? '', /text\/plain/);
    for (const name of ['umbral_inference_request_success_total', 'umbral_inference_request_duration_seconds_bucket',
      'umbral_inference_queue_duration_seconds_bucket', 'umbral_inference_compute_duration_seconds_bucket',
      'umbral_inference_queue_depth', 'umbral_inference_count_total', 'umbral_inference_exec_count_total',
      'umbral_model_ready', 'umbral_http_request_duration_seconds_bucket', 'umbral_nodejs_eventloop_lag_p99_seconds',
      'umbral_process_resident_memory_bytes']) {
      assert.match(text, new RegExp(`^${name}`, 'm'), name);
    }
    assert.ok(sample(text, 'umbral_inference_request_failure_total', 'reason="UMBRAL_ERR_MISSING_INPUT"') >= 1);
    assert.match(text, /umbral_http_request_duration_seconds_bucket\{[^}]*route="\/v2\/models\/:model\/infer"/);
  });

  it('lists every metric in the metrics reference', () => {
    const page = readFileSync(join(PACKAGE_ROOT, 'docs/reference/metrics.md'), 'utf8');
    const missing = new Metrics().names().filter((name) => !page.includes(`\`${name}\``));
    assert.deepEqual(missing, [], 'metrics missing from docs/reference/metrics.md');
  });
});
