import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status, type Client } from '@grpc/grpc-js';
import { Pool } from 'undici';
import { mulberry32 } from '../src/random/mulberry32.js';
import { grpcClient, rawInput, rpc, trailer, typedInput } from './helpers/grpc-client.js';
import { DEFAULT_MODELS, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const valid = () => ({
  inputs: [
    { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] },
    { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: [1, 2, 3] },
    { name: 'int32', datatype: 'INT32', shape: [1, 3], data: [1, 2, 3] },
    { name: 'int64', datatype: 'INT64', shape: [1, 3], data: [1, 2, 3] },
    { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: [1, 2, 3] },
    { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: [true, false, true] },
    { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['x'] },
  ],
});

const WEIRD: unknown[] = [null, true, 0, -1, 1.5, 1e308, -1e308, '', 'x', '1', [], {}, [[]], [null], { a: 1 },
  2 ** 53, -(2 ** 63), 'FP16', 'BF16', 'INT128', '\u0000', '💥', [1, [2]], Array(5).fill(9)];

/** Applies one random mutation to a valid request: a field removed, retyped or made absurd. */
function mutate(random: () => number): unknown {
  const body = valid() as Record<string, unknown> & { inputs: Array<Record<string, unknown>> };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const input = pick(body.inputs);
  switch (Math.floor(random() * 12)) {
    case 0: return pick(WEIRD);
    case 1: body.inputs = pick(WEIRD) as never; return body;
    case 2: delete input[pick(['name', 'datatype', 'shape', 'data'])]; return body;
    case 3: input[pick(['name', 'datatype', 'shape', 'data', 'parameters'])] = pick(WEIRD); return body;
    case 4: input.shape = [pick([-1, -5, 0, 2 ** 31, 2 ** 53, 1.5, 1e9]), pick([3, 0, -3, 1e9])]; return body;
    case 5: (input.data as unknown[])[Math.floor(random() * 3) % (input.data as unknown[]).length] = pick(WEIRD); return body;
    case 6: input.data = (input.data as unknown[]).concat(input.data as unknown[]); return body;
    case 7: { let deep: unknown = 1; for (let i = 0; i < 1 + random() * 5000; i += 1) deep = [deep]; input.data = deep; return body; }
    case 8: body.outputs = pick([[{ name: 'nope' }], [{}], 'x', [{ name: 'sum', parameters: { classification: pick(WEIRD) } }]]); return body;
    case 9: body.id = pick(WEIRD); body.parameters = pick(WEIRD); return body;
    case 10: body.inputs.push({ ...input }); return body;
    default: input.datatype = pick(['FP32', 'INT8', 'UINT64', 'BYTES', 'BOOL', 'fp32']); return body;
  }
}

describe('bad input gets a clear 4xx, never a 5xx', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startTestServer({ models: DEFAULT_MODELS, overrides: { 'server.bodyLimitBytes': 65536 } });
    client = grpcClient(server.grpcUrl as string);
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test over');
  });

  const infer = () => `${server.url}/v2/models/echo/infer`;

  it('maps each kind of bad request to its code', async () => {
    const cases: Array<[unknown, number, string]> = [
      ['{"inputs": [', 400, 'UMBRAL_ERR_INVALID_JSON'],
      ['', 400, 'UMBRAL_ERR_INVALID_JSON'],
      [{ inputs: 'x' }, 400, 'UMBRAL_ERR_INVALID_REQUEST'],
      [{ ...valid(), inputs: valid().inputs.slice(1) }, 400, 'UMBRAL_ERR_MISSING_INPUT'],
      [{ inputs: [...valid().inputs, { name: 'extra', datatype: 'FP32', shape: [1], data: [1] }] }, 400, 'UMBRAL_ERR_UNKNOWN_INPUT'],
      [{ inputs: valid().inputs.map((i) => (i.name === 'fp32' ? { ...i, shape: [1, 4], data: [1, 2, 3, 4] } : i)) }, 400, 'UMBRAL_ERR_SHAPE_MISMATCH'],
      [{ inputs: valid().inputs.map((i) => (i.name === 'fp32' ? { ...i, data: [1, 2] } : i)) }, 400, 'UMBRAL_ERR_DATA_LENGTH_MISMATCH'],
      [{ inputs: valid().inputs.map((i) => (i.name === 'fp32' ? { ...i, data: [1, 'two', 3] } : i)) }, 400, 'UMBRAL_ERR_INVALID_DATA'],
      [{ inputs: valid().inputs.map((i) => (i.name === 'uint8' ? { ...i, data: [1, 2, 300] } : i)) }, 400, 'UMBRAL_ERR_INVALID_DATA'],
      [{ inputs: valid().inputs.map((i) => (i.name === 'fp32' ? { ...i, shape: [-1, 3] } : i)) }, 400, 'UMBRAL_ERR_INVALID_SHAPE'],
      [{ inputs: valid().inputs.map((i) => (i.name === 'fp32' ? { ...i, shape: [2 ** 40, 2 ** 40] } : i)) }, 400, 'UMBRAL_ERR_INVALID_SHAPE'],
      [{ inputs: valid().inputs.map((i) => (i.name === 'fp32' ? { ...i, datatype: 'FP16' } : i)) }, 400, 'UMBRAL_ERR_UNSUPPORTED_DATATYPE'],
      [{ ...valid(), outputs: [{ name: 'nope' }] }, 400, 'UMBRAL_ERR_UNKNOWN_OUTPUT'],
      [{ ...valid(), outputs: [{ name: 'sum', parameters: { classification: 0 } }] }, 400, 'UMBRAL_ERR_INVALID_PARAMETER'],
    ];
    for (const [body, status, code] of cases) {
      const response = await postJson(infer(), body);
      assert.equal(response.status, status, `${JSON.stringify(body).slice(0, 120)} → ${JSON.stringify(response.body)}`);
      assert.equal(response.body.code, code, JSON.stringify(response.body));
      assert.ok(String(response.body.error).length > 10, 'the message says what to fix');
    }
  });

  it('rejects a batch above max_batch_size with 400 and a body above the limit with 413', async () => {
    const rows = 9;
    const big = {
      inputs: valid().inputs.map((i) => ({ ...i, shape: [rows, ...i.shape.slice(1)], data: Array(rows).fill(i.data).flat() })),
    };
    const tooMany = await postJson(infer(), big);
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.code, 'UMBRAL_ERR_BATCH_TOO_LARGE');
    const huge = await postJson(infer(), JSON.stringify({ inputs: [{ name: 'fp32', datatype: 'FP32', shape: [1], data: Array(40000).fill(1) }] }));
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, 'UMBRAL_ERR_BODY_TOO_LARGE');
  });

  describe('an empty batch', () => {
    const spam = (shape: number[], data: string[]) => ({ name: 'text', datatype: 'BYTES', shape, data });

    it('is refused on every model, before it runs, with a 400 that says so', async () => {
      const cases: Array<[string, unknown, string]> = [
        ['spam-classifier', { inputs: [spam([0], [])] }, 'shape \\[0\\]'],
        ['echo', { inputs: valid().inputs.map((i) => ({ ...i, shape: [0, ...i.shape.slice(1)], data: [] })) }, 'shape \\[0,3\\]'],
      ];
      for (const [model, body, shape] of cases) {
        const response = await postJson(`${server.url}/v2/models/${model}/infer`, body);
        assert.equal(response.status, 400, `${model}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.code, 'UMBRAL_ERR_EMPTY_INPUT');
        assert.match(String(response.body.error), new RegExp(`holds no elements \\(${shape}\\).*send at least one row`));
      }
    });

    it('is refused over gRPC alike, in typed contents or raw', async () => {
      for (const input of [typedInput(spam([0], [])), rawInput(spam([0], [])).input]) {
        const raw = 'contents' in input ? {} : { raw_input_contents: [Buffer.alloc(0)] };
        const answer = await rpc(client, 'ModelInfer', { model_name: 'spam-classifier', inputs: [input], ...raw });
        assert.equal(answer.code, status.INVALID_ARGUMENT, answer.error?.details);
        assert.equal(trailer(answer, 'x-umbral-error-code'), 'UMBRAL_ERR_EMPTY_INPUT');
      }
    });

    it('still lets a batch of one run', async () => {
      const response = await postJson(`${server.url}/v2/models/spam-classifier/infer`, { inputs: [spam([1], ['cheap meds online'])] });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    });
  });

  describe('BYTES elements that are not UTF-8 text', () => {
    const bytesInput = (data: unknown[]) => valid().inputs.map((i) => (i.name === 'bytes' ? { ...i, shape: [data.length], data } : i));

    it('are refused over REST: an unpaired surrogate escape has no UTF-8 form', async () => {
      for (const text of ['"\\ud800"', '"ok\\udfff"', '"\\ude42\\ud83d"']) {
        const body = JSON.stringify({ inputs: bytesInput(['placeholder']) }).replace('"placeholder"', text);
        const response = await postJson(infer(), body);
        assert.equal(response.status, 400, `${text}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.code, 'UMBRAL_ERR_INVALID_DATA');
        assert.match(String(response.body.error), /input 'bytes'.*element 0.*Unicode text \(BYTES elements are UTF-8/);
      }
      const paired = await postJson(infer(), JSON.stringify({ inputs: bytesInput(['placeholder']) }).replace('"placeholder"', '"\\ud83d\\ude42"'));
      assert.equal(paired.status, 200, 'a surrogate pair is one character, and fine');
    });

    it('are refused over gRPC for an ONNX model, typed or raw, naming the input (remote models take them)', async () => {
      const notUtf8 = Buffer.from([0x61, 0xed, 0xa0, 0x80]); // 'a' and the CESU-8 form of \ud800
      const typed = valid().inputs.map((i) => (i.name === 'bytes' ? { ...typedInput(i), contents: { bytes_contents: [notUtf8] } } : typedInput(i)));
      const raws = valid().inputs.map(rawInput);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(notUtf8.length);
      const rawContents = raws.map((r, k) => (valid().inputs[k]?.name === 'bytes' ? Buffer.concat([length, notUtf8]) : r.raw));
      for (const request of [{ inputs: typed }, { inputs: raws.map((r) => r.input), raw_input_contents: rawContents }]) {
        const answer = await rpc(client, 'ModelInfer', { model_name: 'echo', ...request });
        assert.equal(answer.code, status.INVALID_ARGUMENT, answer.error?.details);
        assert.equal(trailer(answer, 'x-umbral-error-code'), 'UMBRAL_ERR_BYTES_NOT_TEXT');
        assert.match(answer.error?.details ?? '', /input 'bytes'.*not valid UTF-8/);
      }
    });
  });

  it('survives thousands of generated malformed bodies and still serves a valid request', async () => {
    // Seeded, so that a failing mutation can be replayed.
    const random = mulberry32(20261122);
    const pool = new Pool(server.url, { connections: 8 });
    const statuses = new Map<number, number>();
    try {
      const bodies = Array.from({ length: 3000 }, () => JSON.stringify(mutate(random)) ?? 'undefined');
      for (let i = 0; i < bodies.length; i += 16) {
        await Promise.all(bodies.slice(i, i + 16).map(async (body) => {
          const response = await pool.request({ path: '/v2/models/echo/infer', method: 'POST', body, headers: { 'content-type': 'application/json' } });
          const text = await response.body.text();
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          assert.ok(response.statusCode < 500, `5xx for ${body.slice(0, 200)}: ${text}`);
          if (response.statusCode >= 400) assert.match(text, /"error":"/);
        }));
      }
    } finally {
      await pool.close();
    }
    assert.ok((statuses.get(400) ?? 0) > 1000, JSON.stringify([...statuses]));
    const ok = await postJson(infer(), valid());
    assert.equal(ok.status, 200);
  });
});
