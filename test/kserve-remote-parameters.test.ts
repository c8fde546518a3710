import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';

// What an LLM on Triton (vLLM, TensorRT-LLM) reads its sampling settings from, and what a sequence
// batcher reads its ids from: the request's own parameters, which a gateway must pass on.
const PARAMETERS = { max_tokens: 16, temperature: 0.5, stop: 'END', stream: false, sequence_id: 7 };

describe('a remote kserve model gets the request parameters', () => {
  let upstream: KserveUpstream;
  let server: TestServer;
  before(async () => {
    upstream = await startKserveUpstream();
    server = await startTestServer({
      extraModels: {
        'add-sub-http': kserveModel([upstream.httpUrl]),
        'add-sub-grpc': kserveModel([`grpc://${upstream.grpcTarget}`], { protocol: 'grpc' }),
      },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await upstream.close();
  });

  for (const model of ['add-sub-http', 'add-sub-grpc']) {
    it(`passes them on unchanged over ${model.slice('add-sub-'.length)}`, async () => {
      upstream.repository.lastParameters = undefined;
      const answer = await postJson(`${server.url}/v2/models/${model}/infer`, { ...addSubRequest(), parameters: PARAMETERS });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(upstream.repository.lastParameters, PARAMETERS);
    });
  }

  it('sends none when the request has none', async () => {
    upstream.repository.lastParameters = undefined;
    const answer = await postJson(`${server.url}/v2/models/add-sub-http/infer`, addSubRequest());
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(upstream.repository.lastParameters, {});
  });
});
