import assert from 'node:assert/strict';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { kserveModel } from './helpers/remote-kit.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const SPAM = { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['win money now'] }] };
const LIMIT = 64 * 1024;

describe('compressed bodies, the remote batch dimension and the not-found hint', () => {
  let upstream: TestServer;
  let server: TestServer;
  before(async () => {
    upstream = await startTestServer();
    // The same model served here and through a remote KServe server (another umbral) side by side.
    server = await startTestServer({
      extraModels: { 'spam-remote': kserveModel([upstream.url], { model: 'spam-classifier' }) },
      overrides: { 'server.bodyLimitBytes': LIMIT },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await upstream.shutdown('test over');
  });
  const infer = (model: string) => `${server.url}/v2/models/${model}/infer`;
  const send = async (body: Buffer, encoding: string) => {
    const response = await fetch(infer('spam-classifier'), { method: 'POST', headers: { 'content-encoding': encoding, 'content-type': 'application/json' }, body });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  };

  describe('Content-Encoding', () => {
    it('takes gzip and deflate bodies (zlib or bare deflate data), as Triton does', async () => {
      const plain = await postJson(infer('spam-classifier'), SPAM);
      for (const [encoding, body] of [['gzip', gzipSync(JSON.stringify(SPAM))], ['deflate', deflateSync(JSON.stringify(SPAM))],
        ['deflate', deflateRawSync(JSON.stringify(SPAM))], ['GZIP, identity', gzipSync(JSON.stringify(SPAM))]] as const) {
        const answer = await send(body, encoding);
        assert.equal(answer.status, 200, `${encoding}: ${JSON.stringify(answer.body)}`);
        assert.deepEqual(answer.body.outputs, plain.body.outputs);
      }
    });

    it('refuses a zip bomb with a 413 once the inflated bytes pass the body limit', async () => {
      const bomb = gzipSync(Buffer.alloc(64 * LIMIT, 0x20));
      assert.ok(bomb.length < LIMIT, 'the compressed body is within the limit');
      const answer = await send(bomb, 'gzip');
      assert.equal(answer.status, 413);
      assert.equal(answer.body.code, 'UMBRAL_ERR_BODY_TOO_LARGE');
    });

    it('refuses an encoding it does not know with a 415, and a corrupt body with a 400', async () => {
      const unknown = await send(Buffer.from(JSON.stringify(SPAM)), 'br');
      assert.equal(unknown.status, 415);
      assert.equal(unknown.body.code, 'UMBRAL_ERR_UNSUPPORTED_ENCODING');
      const cut = gzipSync(JSON.stringify(SPAM));
      for (const body of [cut.subarray(0, cut.length - 9), Buffer.from('not gzip at all')]) {
        const corrupt = await send(body, 'gzip');
        assert.equal(corrupt.status, 400, JSON.stringify(corrupt.body));
        assert.equal(corrupt.body.code, 'UMBRAL_ERR_INVALID_ENCODING');
      }
    });

    it('applies to every JSON body, not only inference', async () => {
      const response = await fetch(`${server.url}/admin/models`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: gzipSync('{"name":"zipped-model"}') });
      assert.equal(response.status, 201, await response.text());
    });
  });

  it('answers a one-row request through a remote kserve model with the shape the model answers locally', async () => {
    const request = { ...SPAM, outputs: [{ name: 'probabilities', parameters: { classification: 2 } }, { name: 'label' }] };
    const [local, remote] = await Promise.all([postJson(infer('spam-classifier'), request), postJson(infer('spam-remote'), request)]);
    assert.equal(remote.status, 200, JSON.stringify(remote.body));
    const shapes = (body: Record<string, unknown>) => (body.outputs as Array<{ name: string; shape: number[] }>).map((o) => [o.name, o.shape]);
    assert.deepEqual(shapes(local.body), [['probabilities', [1, 2]], ['label', [1]]]);
    assert.deepEqual(shapes(remote.body), shapes(local.body));
    const plain = await Promise.all([postJson(infer('spam-classifier'), SPAM), postJson(infer('spam-remote'), SPAM)]);
    assert.deepEqual(shapes(plain[1].body), shapes(plain[0].body));
  });

  it('names a route that exists in the hint of an unknown model', async () => {
    const missing = await postJson(infer('no-such-model'), SPAM);
    assert.equal(missing.status, 404);
    const route = /GET (\/\S+) lists/.exec(String(missing.body.error))?.[1];
    assert.ok(route, String(missing.body.error));
    const listed = await getJson(`${server.url}${route}`);
    assert.equal(listed.status, 200, `${route} answers`);
  });
});
