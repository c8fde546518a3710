import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { grpcClient, rpc, trailer } from './helpers/grpc-client.js';
import { addSubRequest, addSubRpc, kserveModel } from './helpers/remote-kit.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

describe('admission by queueing time', { timeout: 30_000 }, () => {
  let upstream: KserveUpstream;
  let server: TestServer;
  before(async () => {
    upstream = await startKserveUpstream();
    server = await startTestServer({
      models: {},
      extraModels: { remote: kserveModel([upstream.httpUrl], { resilience: { health_check_interval_ms: 0, retry: { max_attempts: 1 } } }) },
      overrides: { 'batching.maxQueueWaitMs': 1 },
    });
  });
  after(async () => {
    await server?.shutdown('test over');
    await upstream?.close();
  });

  const infer = (signal?: AbortSignal) => fetch(`${server.url}/v2/models/remote/infer`, {
    method: 'POST', body: JSON.stringify(addSubRequest()), headers: { 'content-type': 'application/json' }, signal,
  });

  it('refuses at once, with 503 UMBRAL_ERR_OVERLOADED and Retry-After, what would wait past the target; admits again once idle', async () => {
    const client = grpcClient(server.grpcUrl as string);
    try {
      // The model's pace: one answer after 50 ms.
      upstream.faults.set({ kind: 'slow', rate: 1, slowMs: 50 });
      assert.equal((await infer()).status, 200);
      // One request held (its upstream never answers): a new one would wait about 50 ms behind it.
      upstream.faults.set({ kind: 'hang', rate: 1 });
      const held = new AbortController();
      const holding = infer(held.signal).catch(() => 'aborted');
      while (upstream.counts.inFlight === 0) await new Promise((resolve) => setImmediate(resolve));
      const refused = await postJson(`${server.url}/v2/models/remote/infer`, addSubRequest());
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'UMBRAL_ERR_OVERLOADED');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal(refused.headers.get('connection'), 'keep-alive', 'a refusal keeps the connection for the retry');
      const refusedRpc = await rpc(client, 'ModelInfer', addSubRpc('remote'));
      assert.equal(refusedRpc.code, status.UNAVAILABLE);
      assert.equal(trailer(refusedRpc, 'x-umbral-error-code'), 'UMBRAL_ERR_OVERLOADED');
      assert.match((await getJson(`${server.url}/metrics`)).text, /^umbral_admission_refused_total\{model="remote"\} 2$/m);
      // The held client leaves; with nothing held the model admits, whatever its pace was.
      upstream.faults.set(undefined);
      held.abort();
      await holding;
      while (upstream.counts.inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
      let answer = await infer();
      // The server may still be letting go of the abandoned request: it is refused until then.
      while (answer.status === 503) answer = await infer();
      assert.equal(answer.status, 200);
    } finally {
      client.close();
    }
  });
});
