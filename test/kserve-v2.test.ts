import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const echoInputs = (rows: number) => [
  { name: 'fp32', datatype: 'FP32', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i + 0.5) },
  { name: 'fp64', datatype: 'FP64', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i / 3) },
  { name: 'int32', datatype: 'INT32', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i * 1000 - 2500) },
  { name: 'int64', datatype: 'INT64', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => 2 ** 40 + i) },
  { name: 'uint8', datatype: 'UINT8', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => 250 + (i % 6)) },
  { name: 'bool', datatype: 'BOOL', shape: [rows, 3], data: Array.from({ length: rows * 3 }, (_, i) => i % 2 === 0) },
  { name: 'bytes', datatype: 'BYTES', shape: [rows], data: Array.from({ length: rows }, (_, i) => `héllo ${i} "quoted"`) },
];

type Output = { name: string; datatype: string; shape: number[]; data: unknown[] };

describe('KServe v2 REST against the real server', () => {
  let server: TestServer;
  let v2: string;
  before(async () => {
    server = await startTestServer();
    v2 = `${server.url}/v2`;
  });
  after(() => server.shutdown('test over'));

  it('answers server metadata, liveness and readiness', async () => {
    const meta = await getJson(v2);
    assert.equal(meta.status, 200);
    assert.equal(meta.body.name, 'umbral');
    assert.equal(typeof meta.body.version, 'string');
    assert.ok(Array.isArray(meta.body.extensions));
    assert.equal((await getJson(`${v2}/health/live`)).status, 200);
    assert.equal((await getJson(`${v2}/health/ready`)).status, 200);
  });

  it('describes a model, with and without a version', async () => {
    const meta = await getJson(`${v2}/models/echo`);
    assert.equal(meta.status, 200);
    assert.equal(meta.body.name, 'echo');
    assert.deepEqual(meta.body.versions, ['1']);
    assert.equal(meta.body.platform, 'onnxruntime_onnx');
    const inputs = meta.body.inputs as Array<{ name: string; datatype: string; shape: number[] }>;
    assert.deepEqual(inputs.find((i) => i.name === 'int64'), { name: 'int64', datatype: 'INT64', shape: [-1, 3] });
    assert.deepEqual(inputs.find((i) => i.name === 'bytes'), { name: 'bytes', datatype: 'BYTES', shape: [-1] });
    assert.deepEqual((await getJson(`${v2}/models/echo/versions/1`)).body, meta.body);
    assert.deepEqual((await getJson(`${v2}/models/echo/ready`)).body, { name: 'echo', ready: true });
    assert.equal((await getJson(`${v2}/models/echo/versions/1/ready`)).status, 200);
  });

  it('echoes every datatype, flat data in, flat data out, with id and model version', async () => {
    const inputs = echoInputs(2);
    const response = await postJson(`${v2}/models/echo/infer`, { id: 'req-42', inputs });
    assert.equal(response.status, 200);
    assert.equal(response.body.model_name, 'echo');
    assert.equal(response.body.model_version, '1');
    assert.equal(response.body.id, 'req-42');
    const outputs = response.body.outputs as Output[];
    for (const input of inputs) {
      const output = outputs.find((o) => o.name === `${input.name}_out`);
      assert.ok(output, `${input.name}_out returned`);
      assert.equal(output.datatype, input.datatype);
      assert.deepEqual(output.shape, input.shape);
      if (input.datatype === 'FP32') assert.deepEqual(output.data, input.data.map((v) => Math.fround(v as number)));
      else assert.deepEqual(output.data, input.data, input.name);
    }
    const sum = outputs.find((o) => o.name === 'sum');
    assert.deepEqual(sum?.shape, [2, 1]);
    assert.deepEqual(sum?.data, [0.5 + 1.5 + 2.5, 3.5 + 4.5 + 5.5]);
  });

  it('accepts nested data as the protocol allows, equal to flat data', async () => {
    const inputs = echoInputs(2).map((input) => input.shape.length === 2
      ? { ...input, data: [input.data.slice(0, 3), input.data.slice(3)] } : input);
    const nested = await postJson(`${v2}/models/echo/infer`, { inputs });
    const flat = await postJson(`${v2}/models/echo/infer`, { inputs: echoInputs(2) });
    assert.equal(nested.status, 200);
    assert.deepEqual(nested.body.outputs, flat.body.outputs);
  });

  it('returns only the requested outputs, in the order asked', async () => {
    const response = await postJson(`${v2}/models/echo/versions/1/infer`, {
      inputs: echoInputs(1), outputs: [{ name: 'sum' }, { name: 'bool_out' }],
    });
    assert.equal(response.status, 200);
    assert.deepEqual((response.body.outputs as Output[]).map((o) => o.name).sort(), ['bool_out', 'sum']);
    assert.equal(response.body.id, undefined, 'no id in the request, none in the response');
  });

  it('classifies raw text with the bundled spam classifier, with Triton classification labels', async () => {
    const response = await postJson(`${v2}/models/spam-classifier/infer`, {
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], data: [
        'Make money fast, click here to claim your free cash prize today',
        'The kernel compiles fine now, I will send the patch to the list tomorrow',
      ] }],
      outputs: [{ name: 'probabilities', parameters: { classification: 1 } }, { name: 'label' }],
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const outputs = response.body.outputs as Output[];
    const label = outputs.find((o) => o.name === 'label');
    assert.equal(label?.datatype, 'INT64');
    assert.deepEqual(label?.data, [1, 0]);
    const top = outputs.find((o) => o.name === 'probabilities');
    assert.equal(top?.datatype, 'BYTES');
    assert.deepEqual(top?.shape, [2, 1]);
    assert.match(String(top?.data[0]), /^[0-9.e-]+:1:spam$/);
    assert.match(String(top?.data[1]), /^[0-9.e-]+:0:ham$/);
  });

  it('renders protocol errors as {"error": message} with the right status', async () => {
    const unknownModel = await postJson(`${v2}/models/nope/infer`, { inputs: echoInputs(1) });
    assert.equal(unknownModel.status, 404);
    assert.equal(typeof unknownModel.body.error, 'string');
    assert.equal(unknownModel.body.code, 'UMBRAL_ERR_MODEL_NOT_FOUND');
    assert.equal((await getJson(`${v2}/models/echo/versions/7`)).status, 404);
    assert.equal((await getJson(`${v2}/models/nope/ready`)).status, 404);
    const badType = await postJson(`${v2}/models/echo/infer`, {
      inputs: echoInputs(1).map((i) => (i.name === 'int32' ? { ...i, datatype: 'FP32' } : i)),
    });
    assert.equal(badType.status, 400);
    assert.equal(badType.body.code, 'UMBRAL_ERR_DATATYPE_MISMATCH');
    assert.match(String(badType.body.error), /int32/);
  });

  it('echoes x-request-id and generates one when absent', async () => {
    const given = await fetch(`${v2}/health/live`, { headers: { 'x-request-id': 'trace-abc.123' } });
    assert.equal(given.headers.get('x-request-id'), 'trace-abc.123');
    const generated = await fetch(`${v2}/health/live`);
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('logs one line per request with id, model, version, status and latency, and never the tensors', async () => {
    await postJson(`${v2}/models/echo/infer`, { inputs: echoInputs(1) }, { 'x-request-id': 'log-check-1' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = server.logLines().filter((line) => line.reqId === 'log-check-1');
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const [line] = lines as [Record<string, unknown>];
    assert.equal(line.model, 'echo');
    assert.equal(line.version, '1');
    assert.equal(line.status, 200);
    assert.equal(typeof line.latencyMs, 'number');
    assert.equal(typeof line.batchSize, 'number');
    assert.doesNotMatch(JSON.stringify(server.logLines()), /héllo|quoted/);
  });
});
